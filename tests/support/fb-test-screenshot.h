/* fb-test-screenshot.h: a picture of the Broadway display through the connected browser */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs @script (build-aux/screenshot.mjs) under node against the browser
 * tests/ui/broadway-run.sh started (FB_BROADWAY_INFO), saving @out_dir/@name
 * at @size ("1280x800") after @delay_ms. The main loop keeps running
 * meanwhile, so GTK goes on drawing. Fails the program if it cannot. */
void  fb_test_screenshot  (const char *script,
                           const char *out_dir,
                           const char *name,
                           const char *size,
                           guint       delay_ms);

G_END_DECLS
