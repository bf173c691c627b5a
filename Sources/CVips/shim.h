// libvips (Debian: libvips-dev) for product photos. Its operations take their options as C varargs, which Swift
// cannot call, so each call Gage makes is one typed inline function here.
#include <vips/vips.h>

// libvips also prints its warnings (a damaged JPEG it could still read, and each error again) to stderr; the
// build reports what matters at the product's images: line, so they are dropped.
static void gage_vips_drop_warning(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data) {}

static inline int gage_vips_start(void) {
    if (VIPS_INIT("gage")) return -1;
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING, gage_vips_drop_warning, NULL);
    // A build resizes each photo once: caching operations would only hold decoded photos in memory.
    vips_cache_set_max(0);
    return 0;
}

// The loader libvips picks for a file from its first bytes ("jpegload", "pngload", …), or NULL.
static inline const char *gage_vips_loader(const char *path) {
    return vips_foreign_find_load(path);
}

// Checks a file served as it is (svg, gif) and gives its size. A GIF's first frame is decoded; an SVG is only
// parsed (drawing it could take any amount of memory its viewBox asks for).
static inline int gage_vips_check(const char *path, int decode, int *width, int *height) {
    VipsImage *image = vips_image_new_from_file(path, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
    if (image == NULL) return -1;
    double average = 0;
    int failed = decode ? vips_avg(image, &average, NULL) : 0;
    *width = vips_image_get_width(image);
    *height = vips_image_get_height(image);
    g_object_unref(image);
    return failed;
}

// The photo scaled down (never up) to `width`, upright (EXIF orientation applied), decoded into memory so that
// the smaller variants are made from it rather than from the file again.
static inline VipsImage *gage_vips_load_scaled(const char *path, int width) {
    VipsImage *scaled = NULL;
    if (vips_thumbnail(path, &scaled, width, "height", VIPS_MAX_COORD, "size", VIPS_SIZE_DOWN,
                       "fail_on", VIPS_FAIL_ON_ERROR, "export_profile", "srgb", NULL)) return NULL;
    VipsImage *memory = vips_image_copy_memory(scaled);
    g_object_unref(scaled);
    return memory;
}

static void *gage_vips_note_metadata(VipsImage *image, const char *name, GValue *value, void *names) {
    if (g_str_has_prefix(name, "exif-") || g_str_has_prefix(name, "xmp-") || g_str_has_prefix(name, "iptc-")
        || g_str_has_prefix(name, "ipct-") || g_str_has_prefix(name, "icc-") || g_str_has_prefix(name, "png-comment")) {
        g_ptr_array_add((GPtrArray *) names, g_strdup(name));
    }
    return NULL;
}

// Removes what the camera wrote (EXIF with GPS position, XMP, IPTC) and the colour profile (the pixels are
// sRGB by now) from an image Gage owns. The savers' `strip` alone leaves EXIF in WebP files on libvips 8.14.
static inline void gage_vips_remove_metadata(VipsImage *image) {
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    vips_image_map(image, gage_vips_note_metadata, names);
    for (guint i = 0; i < names->len; i++) vips_image_remove(image, g_ptr_array_index(names, i));
    g_ptr_array_unref(names);
}

static inline VipsImage *gage_vips_scaled(VipsImage *image, int width) {
    VipsImage *scaled = NULL;
    if (vips_thumbnail_image(image, &scaled, width, "height", VIPS_MAX_COORD, "size", VIPS_SIZE_DOWN,
                             "no_rotate", TRUE, NULL)) return NULL;
    return scaled;
}

// Savers drop metadata (strip): a phone's EXIF carries where the photo was taken.
static inline int gage_vips_save_webp(VipsImage *image, const char *path, int quality) {
    return vips_webpsave(image, path, "Q", quality, "strip", TRUE, NULL);
}

static inline int gage_vips_save_jpeg(VipsImage *image, const char *path, int quality) {
    return vips_jpegsave(image, path, "Q", quality, "optimize_coding", TRUE, "interlace", TRUE, "strip", TRUE, NULL);
}

static inline int gage_vips_save_png(VipsImage *image, const char *path) {
    return vips_pngsave(image, path, "compression", 9, "strip", TRUE, NULL);
}
