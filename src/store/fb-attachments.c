/* fb-attachments.c: attachment files, named by their SHA-256, and the bodies that list them */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/* O_DIRECTORY and O_CLOEXEC under -std=c11. */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <utime.h>
#include <unistd.h>

#include "fb-attachments-private.h"
#include "fb-item-body.h"
#include "fb-store-private.h"

/* Owns the attachment_blobs table and the folder of files. A file is
 * written completely (temporary name, fsync, rename, fsync of the folder)
 * before any body names it, and a body names it in the same transaction as
 * its table row: a crash leaves at most a file nothing names, which the
 * collector removes later. */

gboolean
_fb_store_attachments_migrate (FbStore  *self,
                               GError  **error)
{
  /* digest: CouchDB's "md5-<base64>" as bodies name it; sha256: the file. */
  return _fb_store_exec_once (self,
                              "CREATE TABLE attachment_blobs ("
                              "  digest TEXT PRIMARY KEY NOT NULL,"
                              "  sha256 TEXT NOT NULL,"
                              "  length INTEGER NOT NULL"
                              ") WITHOUT ROWID;",
                              error);
}

void
fb_attachment_free (FbAttachment *attachment)
{
  if (attachment == NULL)
    return;

  g_free (attachment->name);
  g_free (attachment->content_type);
  g_free (attachment->digest);
  g_free (attachment->sha256);
  g_free (attachment->item_id);
  g_free (attachment->rev);
  g_free (attachment);
}

char *
fb_attachment_dup_sha256_digest (const FbAttachment *attachment)
{
  g_return_val_if_fail (attachment != NULL, NULL);

  if (attachment->sha256 == NULL)
    return NULL;
  return g_strconcat ("sha256-", attachment->sha256, NULL);
}

static FbAttachment *
attachment_from_entry (const char *name,
                       JsonObject *entry)
{
  FbAttachment *attachment = g_new0 (FbAttachment, 1);
  JsonNode *length = json_object_get_member (entry, "length");

  attachment->name = g_strdup (name);
  attachment->content_type = g_strdup (fb_body_get_string (entry, "content_type"));
  attachment->digest = g_strdup (fb_body_get_string (entry, "digest"));
  if (length != NULL && JSON_NODE_HOLDS_VALUE (length))
    attachment->length = json_node_get_int (length);
  attachment->encrypted = fb_body_get_boolean (entry, FB_ATTACHMENT_ENCRYPTED);

  return attachment;
}

static int
compare_by_name (gconstpointer a,
                 gconstpointer b)
{
  const FbAttachment *x = *(FbAttachment * const *) a;
  const FbAttachment *y = *(FbAttachment * const *) b;

  return strcmp (x->name, y->name);
}

GPtrArray *
fb_body_list_attachments (JsonObject *body)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) fb_attachment_free);
  JsonObject *attachments = fb_body_get_object (body, FB_BODY_ATTACHMENTS);
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (attachments == NULL)
    return list;

  json_object_iter_init (&iter, attachments);
  while (json_object_iter_next (&iter, &name, &node))
    if (JSON_NODE_HOLDS_OBJECT (node))
      g_ptr_array_add (list, attachment_from_entry (name, json_node_get_object (node)));
  g_ptr_array_sort (list, compare_by_name);

  return list;
}

char *
fb_store_dup_attachments_dir (FbStore *self)
{
  g_return_val_if_fail (FB_IS_STORE (self), NULL);

  return g_strconcat (self->path, ".attachments", NULL);
}

/* The SHA-256 (hex) of the file for @digest, or NULL (*@found FALSE). */
static gboolean
lookup_blob (FbStore     *self,
             const char  *digest,
             char       **sha256,
             GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  gboolean found;

  *sha256 = NULL;
  stmt = _fb_store_get_stmt (self, "SELECT sha256 FROM attachment_blobs WHERE digest = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_TRANSIENT);
  if (!_fb_store_step_row (self, stmt, &found, error))
    return FALSE;
  if (found)
    *sha256 = _fb_store_column_dup (stmt, 0);

  return TRUE;
}

char *
_fb_attachments_blob_path (FbStore    *self,
                           const char *sha256)
{
  g_autofree char *dir = fb_store_dup_attachments_dir (self);

  return g_build_filename (dir, sha256, NULL);
}

/* The SHA-256 of @digest's file if the table names it and it is on disk. */
static gboolean
lookup_present_blob (FbStore     *self,
                     const char  *digest,
                     char       **sha256,
                     GError     **error)
{
  g_autofree char *path = NULL;

  if (!lookup_blob (self, digest, sha256, error))
    return FALSE;
  if (*sha256 == NULL)
    return TRUE;

  path = _fb_attachments_blob_path (self, *sha256);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    g_clear_pointer (sha256, g_free);

  return TRUE;
}

GPtrArray *
fb_store_list_attachments (FbStore     *self,
                           const char  *id,
                           GError     **error)
{
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  item = fb_store_get_item (self, id, error);
  if (item == NULL)
    return NULL;

  list = fb_body_list_attachments (fb_item_get_body (item));
  for (guint i = 0; i < list->len; i++)
    {
      FbAttachment *attachment = list->pdata[i];

      if (!lookup_present_blob (self, attachment->digest, &attachment->sha256, error))
        return NULL;
      attachment->rev = g_strdup (fb_item_get_base_rev (item));
    }

  return g_steal_pointer (&list);
}

gboolean
fb_store_has_files_not_here (FbStore    *self,
                             const char *id)
{
  g_autoptr(GPtrArray) list = fb_store_list_attachments (self, id, NULL);

  for (guint i = 0; list != NULL && i < list->len; i++)
    if (((FbAttachment *) list->pdata[i])->sha256 == NULL)
      return TRUE;
  return FALSE;
}

FbAttachment *
fb_store_get_attachment (FbStore     *self,
                         const char  *id,
                         const char  *name,
                         GError     **error)
{
  g_autoptr(GPtrArray) list = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  list = fb_store_list_attachments (self, id, error);
  if (list == NULL)
    return NULL;

  for (guint i = 0; i < list->len; i++)
    {
      FbAttachment *attachment = list->pdata[i];

      if (strcmp (attachment->name, name) == 0)
        return g_ptr_array_steal_index (list, i);
    }

  g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND,
               _("The item has no attachment “%s”"), name);
  return NULL;
}

GFile *
fb_store_get_attachment_file (FbStore     *self,
                              const char  *digest,
                              GError     **error)
{
  g_autofree char *sha256 = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (digest != NULL, NULL);

  if (!lookup_present_blob (self, digest, &sha256, error))
    return NULL;
  if (sha256 == NULL)
    {
      g_set_error_literal (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND,
                           _("The attachment’s file is not on this device yet: it comes with the next sync"));
      return NULL;
    }

  path = _fb_attachments_blob_path (self, sha256);
  return g_file_new_for_path (path);
}

GPtrArray *
fb_store_list_missing_attachments (FbStore  *self,
                                   GError  **error)
{
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func ((GDestroyNotify) fb_attachment_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);

  /* Its own statement: lookup_present_blob () uses the cache. */
  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT id, body, base_rev FROM items "
                           "WHERE deleted = 0 AND instr (body, '\"" FB_BODY_ATTACHMENTS "\"') > 0",
                           -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) body = fb_body_from_string ((const char *) sqlite3_column_text (stmt, 1), NULL);
      g_autoptr(GPtrArray) list = fb_body_list_attachments (body);

      rc = SQLITE_OK;
      for (guint i = 0; i < list->len; i++)
        {
          FbAttachment *attachment = list->pdata[i];
          g_autofree char *sha256 = NULL;

          if (!lookup_present_blob (self, attachment->digest, &sha256, error))
            {
              sqlite3_finalize (stmt);
              return NULL;
            }
          if (sha256 != NULL)
            continue;
          attachment->item_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          attachment->rev = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
          g_ptr_array_add (missing, g_ptr_array_steal_index (list, i--));
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return NULL;
    }

  return g_steal_pointer (&missing);
}

/* ---- Changing an item's list ---- */

static gboolean
check_name (const char  *name,
            GError     **error)
{
  /* CouchDB refuses attachment names that start with "_". */
  if (name == NULL || *name == '\0' || name[0] == '_' || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                   _("“%s” cannot be the name of an attachment: it must not be empty or start with “_”"),
                   name != NULL ? name : "");
      return FALSE;
    }
  return TRUE;
}

char *
fb_attachments_free_name (JsonObject *attachments,
                          const char *name)
{
  const char *dot = strrchr (name, '.');
  g_autofree char *stem = g_strndup (name, dot != NULL && dot != name ? (gsize) (dot - name) : strlen (name));
  const char *ext = dot != NULL && dot != name ? dot : "";

  for (guint n = 2;; n++)
    {
      char *candidate = g_strdup_printf ("%s (%u)%s", stem, n, ext);

      if (!json_object_has_member (attachments, candidate))
        return candidate;
      g_free (candidate);
    }
}

typedef struct
{
  const char         *id;
  const char         *name;
  const char         *content_type;
  const FbAttachmentBlob *blob;           /* to add; NULL: remove @name */
  const FbAttachment *restore;         /* to put back */
  FbAttachment       *result;
} ListEdit;

static JsonObject *
entry_new (const char *content_type,
           gint64      length,
           const char *digest)
{
  JsonObject *entry = json_object_new ();

  json_object_set_string_member (entry, "content_type", content_type);
  json_object_set_int_member (entry, "length", length);
  json_object_set_string_member (entry, "digest", digest);
  return entry;
}

static gboolean
edit_list_in_transaction (FbStore   *self,
                          gpointer   user_data,
                          GError   **error)
{
  ListEdit *edit = user_data;
  g_auto(FbStoreRow) before = { 0, };
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *json = NULL;
  g_autofree char *unique = NULL;
  JsonObject *attachments;
  JsonObject *existing;
  const char *name = edit->name;

  if (!_fb_store_load_live_row (self, edit->id, &before, error))
    return FALSE;
  body = fb_body_from_string (before.body, error);
  if (body == NULL)
    return FALSE;

  attachments = fb_body_get_object (body, FB_BODY_ATTACHMENTS);
  if (attachments == NULL)
    {
      attachments = json_object_new ();
      json_object_set_object_member (body, FB_BODY_ATTACHMENTS, attachments);
    }
  existing = fb_body_get_object (attachments, name);

  if (edit->blob != NULL)
    {
      if (!_fb_attachments_record_blob (self, edit->blob, error))
        return FALSE;
      if (existing != NULL && g_strcmp0 (fb_body_get_string (existing, "digest"), edit->blob->digest) == 0)
        {
          /* Attached already: nothing to save. */
          edit->result = attachment_from_entry (name, existing);
          edit->result->sha256 = g_strdup (edit->blob->sha256);
          return TRUE;
        }
      if (existing != NULL)
        name = unique = fb_attachments_free_name (attachments, name);
      json_object_set_object_member (attachments, name,
                                     entry_new (edit->content_type, edit->blob->length,
                                                edit->blob->digest));
      edit->result = attachment_from_entry (name, fb_body_get_object (attachments, name));
      edit->result->sha256 = g_strdup (edit->blob->sha256);
    }
  else if (edit->restore != NULL)
    {
      const FbAttachment *a = edit->restore;
      g_autofree char *sha256 = NULL;

      if (!lookup_present_blob (self, a->digest, &sha256, error))
        return FALSE;
      if (sha256 == NULL)
        {
          g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND,
                       _("The file of “%s” is no longer on this device"), a->name);
          return FALSE;
        }
      if (existing != NULL)
        name = unique = fb_attachments_free_name (attachments, name);
      json_object_set_object_member (attachments, name,
                                     entry_new (a->content_type, a->length, a->digest));
    }
  else
    {
      if (existing == NULL)
        {
          g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND,
                       _("The item has no attachment “%s”"), name);
          return FALSE;
        }
      json_object_remove_member (attachments, name);
    }

  if (json_object_get_size (attachments) == 0)
    json_object_remove_member (body, FB_BODY_ATTACHMENTS);

  json = fb_body_to_string (body);
  return _fb_store_save_local_attachments (self, &before, json, error);
}

FbAttachment *
fb_store_add_attachment (FbStore       *self,
                         const char    *id,
                         const char    *name,
                         const char    *content_type,
                         GInputStream  *data,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_auto(FbAttachmentBlob) blob = { 0, };
  g_autoptr(FbItem) item = NULL;
  g_autofree char *guessed = NULL;
  ListEdit edit = { 0, };

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (G_IS_INPUT_STREAM (data), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_name (name, error))
    return NULL;
  if (fb_store_get_read_only (self))
    {
      g_propagate_error (error, g_error_copy (fb_store_get_read_only_error (self)));
      return NULL;
    }

  /* No file for an item that is not there. */
  item = fb_store_get_item (self, id, error);
  if (item == NULL)
    return NULL;

  if (!_fb_attachments_write_blob (self, data, &blob, cancellable, error))
    return NULL;

  if (content_type == NULL)
    {
      g_autofree char *type = g_content_type_guess (name, blob.head, blob.head_len, NULL);

      guessed = g_content_type_get_mime_type (type);
      content_type = guessed != NULL ? guessed : "application/octet-stream";
    }

  edit = (ListEdit) { .id = id, .name = name, .content_type = content_type, .blob = &blob };
  if (!fb_store_with_transaction (self, edit_list_in_transaction, &edit, error))
    {
      g_clear_pointer (&edit.result, fb_attachment_free);
      return NULL;
    }

  return edit.result;
}

gboolean
fb_store_remove_attachment (FbStore     *self,
                            const char  *id,
                            const char  *name,
                            GError     **error)
{
  ListEdit edit = { .id = id, .name = name };

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL && name != NULL, FALSE);

  return fb_store_with_transaction (self, edit_list_in_transaction, &edit, error);
}

gboolean
fb_store_restore_attachment (FbStore             *self,
                             const char          *id,
                             const FbAttachment  *attachment,
                             GError             **error)
{
  ListEdit edit = { .id = id, .restore = attachment };

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL && attachment != NULL, FALSE);

  edit.name = attachment->name;
  return fb_store_with_transaction (self, edit_list_in_transaction, &edit, error);
}

/* ---- The export file ---- */

gboolean
fb_store_import_attachments (FbStore     *self,
                             const char  *id,
                             JsonObject  *attachments,
                             GError     **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, attachments);
  while (json_object_iter_next (&iter, &name, &node))
    {
      JsonObject *entry;
      const char *content_type;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      entry = json_node_get_object (node);
      content_type = fb_body_has_string (entry, "content_type")
                     ? fb_body_get_string (entry, "content_type") : NULL;

      if (fb_body_has_string (entry, "data"))
        {
          gsize len = 0;
          guchar *data = g_base64_decode (fb_body_get_string (entry, "data"), &len);
          g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data (data, len, g_free);
          g_autoptr(FbAttachment) added = fb_store_add_attachment (self, id, name, content_type,
                                                                   in, NULL, error);

          if (added == NULL)
            return FALSE;
        }
      else
        {
          g_autoptr(FbAttachment) stub = attachment_from_entry (name, entry);
          g_autoptr(FbAttachment) present = NULL;
          g_autofree char *sha256 = NULL;

          if (!lookup_present_blob (self, stub->digest, &sha256, error))
            return FALSE;
          present = fb_store_get_attachment (self, id, name, NULL);
          if (sha256 != NULL && present == NULL &&
              !fb_store_restore_attachment (self, id, stub, error))
            return FALSE;
        }
    }

  return TRUE;
}
