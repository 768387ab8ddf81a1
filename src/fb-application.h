/* fb-application.h: the Fieldbook application: owns the store, opens windows */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "fb-store.h"

G_BEGIN_DECLS

#define FB_TYPE_APPLICATION (fb_application_get_type ())
G_DECLARE_FINAL_TYPE (FbApplication, fb_application, FB, APPLICATION, AdwApplication)

FbApplication *fb_application_new       (void);
/* The store opened at startup; NULL if it could not be opened. */
FbStore       *fb_application_get_store (FbApplication *self);

G_END_DECLS
