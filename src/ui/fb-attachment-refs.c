/* fb-attachment-refs.c: Markdown references to a note's attachments (attachment:NAME) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-attachments"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fb-attachment-refs.h"
#include "fb-attachments.h"

#define SCHEME "attachment:"

char *
fb_attachment_refs_dup_name (const char *address)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (address != NULL, NULL);

  if (!g_str_has_prefix (address, SCHEME))
    return NULL;
  name = g_uri_unescape_string (address + strlen (SCHEME), NULL);
  if (name == NULL || *name == '\0')
    return NULL;
  return g_steal_pointer (&name);
}

char *
fb_attachment_refs_dup_markdown (const char *name,
                                 const char *content_type)
{
  g_autofree char *escaped = NULL;
  g_autofree char *label = NULL;
  GString *label_out = g_string_new (NULL);

  g_return_val_if_fail (name != NULL, NULL);

  escaped = g_uri_escape_string (name, "!$&'*+,;=:@", FALSE);
  /* Marks in the name would be read as Markdown: escaped as text. */
  for (const char *p = name; *p != '\0'; p++)
    {
      if (strchr ("[]\\*_`", *p) != NULL)
        g_string_append_c (label_out, '\\');
      g_string_append_c (label_out, *p);
    }
  label = g_string_free (label_out, FALSE);
  return g_strdup_printf ("%s[%s](" SCHEME "%s)",
                          content_type != NULL && g_str_has_prefix (content_type, "image/") ? "!" : "",
                          label, escaped);
}

GdkPaintable *
fb_attachment_refs_load_image (FbStore     *store,
                               const char  *id,
                               const char  *address,
                               int          max_size,
                               char       **words)
{
  g_autofree char *name = NULL;
  g_autoptr(FbAttachment) attachment = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (FB_IS_STORE (store), NULL);
  g_return_val_if_fail (address != NULL && words != NULL, NULL);

  *words = NULL;
  name = fb_attachment_refs_dup_name (address);
  if (name == NULL || id == NULL)
    return NULL;

  attachment = fb_store_get_attachment (store, id, name, &error);
  if (attachment == NULL)
    {
      /* TRANSLATORS: %s is the attachment name a note's text refers to */
      *words = g_strdup_printf (_("the note has no attachment “%s”"), name);
      return NULL;
    }
  if (attachment->sha256 == NULL ||
      (file = fb_store_get_attachment_file (store, attachment->digest, NULL)) == NULL)
    {
      /* TRANSLATORS: %s is an attachment only the server has */
      *words = g_strdup_printf (_("“%s” is not on this device yet"), name);
      return NULL;
    }

  /* Scaled as it is read: a 20-megapixel photo is not held in full. */
  path = g_file_get_path (file);
  pixbuf = gdk_pixbuf_new_from_file_at_scale (path, max_size, max_size, TRUE, &error);
  if (pixbuf == NULL)
    {
      /* TRANSLATORS: %s is an attachment that is not a picture GTK can read */
      *words = g_strdup_printf (_("“%s” cannot be shown as a picture"), name);
      return NULL;
    }
  return GDK_PAINTABLE (gdk_texture_new_for_pixbuf (pixbuf));
}
