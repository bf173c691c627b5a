import Testing
@testable import GageCore

struct ManageTokenTests {
    @Test func the_ledger_keeps_the_sha256_of_a_token() {
        // FIPS 180-2's example: SHA-256("abc").
        #expect(ManageToken.digest("abc") == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ManageToken.digest(String(repeating: "0", count: 64))
                == "sha256:60e05bd1b195af2f94112fa7197a5c88289058840ce7c6df9693756bc6250f55")
    }

    @Test func tokens_are_64_hex_digits_and_never_repeat() {
        let tokens = (0..<200).map { _ in ManageToken.make() }
        #expect(tokens.allSatisfy(ManageToken.isWellFormed))
        #expect(Set(tokens).count == 200)
        #expect(!ManageToken.isWellFormed(ManageToken.digest(tokens[0])))
        #expect(!ManageToken.isWellFormed(String(repeating: "A", count: 64)))
    }

    @Test func the_manage_link_carries_the_token_in_the_fragment() {
        #expect(ManageToken.manageURL(baseURL: "https://shop.example.kr", token: "ab")
                == "https://shop.example.kr/subscription/#ab")
        #expect(ManageToken.manageURL(baseURL: "https://shop.example.kr/store/", token: "ab")
                == "https://shop.example.kr/store/subscription/#ab")
    }
}
