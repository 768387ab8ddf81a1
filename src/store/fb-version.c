/* fb-version.c: one earlier version of an item, kept on this device */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include "fb-item-body.h"
#include "fb-version.h"

struct _FbVersion
{
  GObject          parent_instance;

  gint64           id;
  gint64           edited_at;
  FbVersionOrigin  origin;
  JsonObject      *body;
};

G_DEFINE_FINAL_TYPE (FbVersion, fb_version, G_TYPE_OBJECT)

static void
fb_version_finalize (GObject *object)
{
  FbVersion *self = FB_VERSION (object);

  g_clear_pointer (&self->body, json_object_unref);

  G_OBJECT_CLASS (fb_version_parent_class)->finalize (object);
}

static void
fb_version_class_init (FbVersionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fb_version_finalize;
}

static void
fb_version_init (FbVersion *self)
{
}

FbVersion *
fb_version_new (gint64           id,
                gint64           edited_at,
                FbVersionOrigin  origin,
                JsonObject      *body)
{
  FbVersion *self;

  g_return_val_if_fail (body != NULL, NULL);

  self = g_object_new (FB_TYPE_VERSION, NULL);
  self->id = id;
  self->edited_at = edited_at;
  self->origin = origin;
  self->body = json_object_ref (body);
  json_object_seal (self->body);

  return self;
}

gint64
fb_version_get_id (FbVersion *self)
{
  g_return_val_if_fail (FB_IS_VERSION (self), 0);

  return self->id;
}

gint64
fb_version_get_edited_at (FbVersion *self)
{
  g_return_val_if_fail (FB_IS_VERSION (self), 0);

  return self->edited_at;
}

FbVersionOrigin
fb_version_get_origin (FbVersion *self)
{
  g_return_val_if_fail (FB_IS_VERSION (self), FB_VERSION_ORIGIN_DEVICE);

  return self->origin;
}

JsonObject *
fb_version_get_body (FbVersion *self)
{
  g_return_val_if_fail (FB_IS_VERSION (self), NULL);

  return self->body;
}

const char *
fb_version_get_title (FbVersion *self)
{
  g_return_val_if_fail (FB_IS_VERSION (self), NULL);

  return fb_body_get_string (self->body, "title");
}
