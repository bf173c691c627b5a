/*
 * The product page's 구매하기 bar: on a phone, once the buy form's buttons are scrolled away (a long
 * description, the 상품정보제공고시), a bar at the bottom keeps the price and 바로 구매 in reach. Its button
 * submits the buy form itself (form="buy-form"), so options and quantity are checked as from the form.
 */
export function setUpBuyBar() {
  const bar = document.querySelector('[data-buy-bar]');
  const actions = document.querySelector('[data-buy-form] .buy-actions');
  if (!bar || !actions || !('IntersectionObserver' in window)) return;
  const observer = new IntersectionObserver((entries) => {
    // Shown while the form's own buttons are out of view, below or above.
    const inView = entries[entries.length - 1].isIntersecting;
    bar.classList.toggle('is-shown', !inView);
    document.body.classList.toggle('has-buy-bar', !inView);
  });
  observer.observe(actions);
}
