/* fb-attachments-rename.c: renaming an attachment, and the references to it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fb-attachments.h"
#include "fb-item-body.h"
#include "fb-record-files.h"
#include "fb-store-private.h"

/* Characters that end a reference's name in Markdown text: the link's
 * ")", a title after a space, an autolink's ">". */
static gboolean
ends_reference (char c)
{
  return c == '\0' || c == ')' || c == '>' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
         c == '"' || c == '\'';
}

static char *
escape_name (const char *name)
{
  return g_uri_escape_string (name, "!$&'*+,;=:@", FALSE);
}

/* @text with every reference "attachment:OLD" (plain, or escaped as a URI
 * writes it) made to name @new_name; NULL when nothing changed. */
char *
fb_attachments_rename_references (const char *text,
                                  const char *old_name,
                                  const char *new_name)
{
  g_autofree char *old_escaped = escape_name (old_name);
  g_autofree char *new_escaped = escape_name (new_name);
  g_autoptr(GString) out = NULL;
  const char *copied = text;   /* the text before it is in @out */
  const char *scan = text;
  const char *hit;
  static const char scheme[] = "attachment:";

  g_return_val_if_fail (text != NULL && old_name != NULL && new_name != NULL, NULL);

  while ((hit = strstr (scan, scheme)) != NULL)
    {
      const char *after = hit + strlen (scheme);
      const char *replacement = NULL;
      gsize skip = 0;

      if (g_str_has_prefix (after, old_name) && ends_reference (after[strlen (old_name)]))
        {
          /* A plain name with a space or ")" would end the link early. */
          replacement = strpbrk (new_name, " ()<>") != NULL ? new_escaped : new_name;
          skip = strlen (old_name);
        }
      else if (g_str_has_prefix (after, old_escaped) && ends_reference (after[strlen (old_escaped)]))
        {
          replacement = new_escaped;
          skip = strlen (old_escaped);
        }

      scan = after;
      if (replacement == NULL)
        continue;

      if (out == NULL)
        out = g_string_new (NULL);
      g_string_append_len (out, copied, after - copied);
      g_string_append (out, replacement);
      copied = scan = after + skip;
    }

  if (out == NULL)
    return NULL;
  g_string_append (out, copied);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

gboolean
fb_attachment_name_is_valid (const char  *name,
                             GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (name != NULL ? name : ""));

  if (*stripped == '\0' || strcmp (stripped, name) != 0)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                   _("An attachment needs a name that does not begin or end with a space"));
      return FALSE;
    }
  /* CouchDB refuses names that begin with "_"; "/" would make a path. */
  if (name[0] == '_' || strchr (name, '/') != NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                   _("“%s” cannot be the name of an attachment (it may not begin with “_” or contain “/”)"),
                   name);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  const char *id;
  const char *old_name;
  const char *new_name;
} Rename;

static gboolean
rename_in_transaction (FbStore   *self,
                       gpointer   user_data,
                       GError   **error)
{
  Rename *rename = user_data;
  g_auto(FbStoreRow) before = { 0, };
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *json = NULL;
  g_autofree char *text = NULL;
  JsonObject *attachments;
  JsonObject *entry;
  JsonObject *renamed;

  if (!_fb_store_load_live_row (self, rename->id, &before, error))
    return FALSE;
  body = fb_body_from_string (before.body, error);
  if (body == NULL)
    return FALSE;

  attachments = fb_body_get_object (body, FB_BODY_ATTACHMENTS);
  entry = fb_body_get_object (attachments, rename->old_name);
  if (entry == NULL)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND,
                   _("The item has no attachment “%s”"), rename->old_name);
      return FALSE;
    }
  if (json_object_has_member (attachments, rename->new_name))
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                   _("The item already has an attachment named “%s”"), rename->new_name);
      return FALSE;
    }

  /* CouchDB renames nothing: the new name is a new attachment of the
   * document, whose data the next push sends. So the data must be here.
   * The same bytes under the new name: no "stub" (the server has no
   * attachment of that name yet). */
  renamed = _fb_store_entry_to_upload (self, entry);
  if (renamed == NULL)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND,
                   _("“%s” is not on this device yet: it can be renamed once it is downloaded"),
                   rename->old_name);
      return FALSE;
    }
  json_object_remove_member (attachments, rename->old_name);
  json_object_set_object_member (attachments, rename->new_name, renamed);

  if (fb_body_has_string (body, "text"))
    text = fb_attachments_rename_references (fb_body_get_string (body, "text"),
                                             rename->old_name, rename->new_name);
  if (text != NULL)
    json_object_set_string_member (body, "text", text);
  /* A record's photo and file fields name it too. */
  _fb_record_files_rename (self, body, rename->old_name, rename->new_name);

  json = fb_body_to_string (body);
  return _fb_store_save_local_attachments (self, &before, json, error);
}

gboolean
fb_store_rename_attachment (FbStore     *self,
                            const char  *id,
                            const char  *old_name,
                            const char  *new_name,
                            GError     **error)
{
  Rename rename = { .id = id, .old_name = old_name, .new_name = new_name };

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL && old_name != NULL && new_name != NULL, FALSE);

  if (!fb_attachment_name_is_valid (new_name, error))
    return FALSE;
  if (strcmp (old_name, new_name) == 0)
    return TRUE;

  return fb_store_with_transaction (self, rename_in_transaction, &rename, error);
}
