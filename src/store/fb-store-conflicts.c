/* fb-store-conflicts.c: conflicts in the local store: entering and resolving them */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fb-attachments.h"
#include "fb-store-private.h"

/* Owns the conflict state of an item: the server's side kept beside mine,
 * a collision on screen kept as a conflict, and the three resolutions. */

/* The server's side of a conflict (the user data of
 * set_conflict_in_transaction ()). */
typedef struct
{
  const char *id;
  const char *server_rev;
  const char *server_body;
  gboolean    server_deleted;
} ServerSide;

static gboolean
set_conflict_in_transaction (FbStore   *self,
                             gpointer   user_data,
                             GError   **error)
{
  const ServerSide *side = user_data;
  const char *id = side->id;
  const char *server_rev = side->server_rev;
  const char *server_body = side->server_body;
  gboolean server_deleted = side->server_deleted;
  g_auto(FbStoreRow) before = { 0, };
  g_auto(FbStoreRow) after = { 0, };

  if (!_fb_store_load_existing_row (self, id, &before, error) ||
      !_fb_store_clear_in_flight (self, id, -1, error))
    return FALSE;

  _fb_store_row_copy (&before, &after);
  after.state = FB_ITEM_STATE_CONFLICT;
  _fb_store_set_string (&after.server_rev, server_rev);
  _fb_store_set_string (&after.server_body, server_deleted ? NULL : server_body);
  after.server_deleted = server_deleted;
  g_clear_pointer (&after.sync_error, g_free);

  return _fb_store_save_row (self, &before, &after, FB_STORE_CHANGE_MERGE, error);
}

gboolean
fb_store_set_conflict (FbStore     *self,
                       const char  *id,
                       const char  *server_rev,
                       JsonObject  *server_body,
                       gboolean     server_deleted,
                       GError     **error)
{
  g_autofree char *json = NULL;
  ServerSide side;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (server_rev != NULL, FALSE);
  g_return_val_if_fail (server_deleted || server_body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (server_body != NULL && !server_deleted)
    json = fb_body_to_string (server_body);

  side = (ServerSide) {
    .id = id, .server_rev = server_rev, .server_body = json, .server_deleted = server_deleted,
  };

  return fb_store_with_transaction (self, set_conflict_in_transaction, &side, error);
}

/* The user data of keep_edit_in_conflict_in_transaction (). */
typedef struct
{
  const char *id;
  const char *mine;
} KeptEdit;

static gboolean
keep_edit_in_conflict_in_transaction (FbStore   *self,
                                      gpointer   user_data,
                                      GError   **error)
{
  const KeptEdit *kept = user_data;
  const char *id = kept->id;
  const char *mine = kept->mine;
  g_auto(FbStoreRow) before = { 0, };
  g_auto(FbStoreRow) after = { 0, };

  if (!_fb_store_load_live_row (self, id, &before, error))
    return FALSE;

  /* Already a conflict (its server side is set), or never on a server:
   * mine is an edit like any other. */
  if (before.state == FB_ITEM_STATE_CONFLICT || before.base_rev == NULL)
    {
      if (_fb_store_body_json_equal (before.body, mine))
        return TRUE;
      return _fb_store_save_local_body (self, &before, mine, error);
    }

  /* The version that arrived stays as the server's side, and in the
   * history too, whatever the person later chooses. */
  if (!_fb_store_history_keep (self, &before, FB_HISTORY_KEEP_BEFORE_EDIT, error))
    return FALSE;

  _fb_store_row_copy (&before, &after);
  _fb_store_set_string (&after.body, mine);
  after.deleted = FALSE;
  after.updated_at = _fb_store_now (self);
  after.state = FB_ITEM_STATE_CONFLICT;
  _fb_store_set_string (&after.server_rev, before.base_rev);
  _fb_store_set_string (&after.server_body, before.base_body);
  after.server_deleted = FALSE;
  g_clear_pointer (&after.sync_error, g_free);
  if (!_fb_store_next_local_seq (self, &after.local_seq, error))
    return FALSE;

  return _fb_store_save_row (self, &before, &after, FB_STORE_CHANGE_MERGE, error);
}

gboolean
fb_store_keep_edit_in_conflict (FbStore     *self,
                                const char  *id,
                                JsonObject  *mine,
                                GError     **error)
{
  g_autofree char *json = NULL;
  KeptEdit kept;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (mine != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  json = fb_body_to_string (mine);
  kept = (KeptEdit) { .id = id, .mine = json };

  return fb_store_with_transaction (self, keep_edit_in_conflict_in_transaction, &kept, error);
}

/* Keep Both's copy of mine: the same body, its title saying which one it
 * is, so that the two can be told apart in the list. NULL if @body is not
 * an object. */
static JsonObject *
copy_body_titled (const char *body)
{
  g_autoptr(JsonObject) object = fb_body_from_string (body, NULL);
  g_autofree char *title = NULL;
  const char *old_title;

  if (object == NULL)
    return NULL;

  old_title = fb_body_get_string (object, "title");
  if (*old_title == '\0')
    title = g_strdup (_("Untitled (copy from this device)"));
  else
    /* TRANSLATORS: the title of the copy that Keep Both makes of this
     * device's version; %s is the item's title */
    title = g_strdup_printf (_("%s (copy from this device)"), old_title);
  json_object_set_string_member (object, "title", title);

  return g_steal_pointer (&object);
}

/* Whether @attachments (nullable) has an entry of @digest. */
static gboolean
lists_digest (JsonObject *attachments,
              const char *digest)
{
  JsonObjectIter iter;
  JsonNode *node;

  if (attachments == NULL)
    return FALSE;
  json_object_iter_init (&iter, attachments);
  while (json_object_iter_next (&iter, NULL, &node))
    if (JSON_NODE_HOLDS_OBJECT (node) &&
        g_strcmp0 (fb_body_get_string (json_node_get_object (node), "digest"), digest) == 0)
      return TRUE;
  return FALSE;
}

/* Keep Both's copy is a new document: it uploads the files of mine that
 * are here (_fb_store_insert_copy ()). One only the server has, in the
 * revision mine was made on, stays with the original only if the
 * server's version still lists it; otherwise the copy would go without
 * it, and nothing current would have it. That is refused, in words, until
 * a download (a sync does it) has brought it. */
static gboolean
check_copy_keeps_files (FbStore     *self,
                        JsonObject  *mine,
                        const char  *server_json,
                        GError     **error)
{
  JsonObject *attachments = fb_body_get_object (mine, FB_BODY_ATTACHMENTS);
  g_autoptr(JsonObject) server = server_json != NULL ? fb_body_from_string (server_json, NULL) : NULL;
  JsonObject *server_attachments = server != NULL ? fb_body_get_object (server, FB_BODY_ATTACHMENTS) : NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  guint n = 0;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (attachments == NULL)
    return TRUE;

  json_object_iter_init_ordered (&iter, attachments);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *digest = entry != NULL ? fb_body_get_string (entry, "digest") : NULL;
      g_autoptr(GFile) file = NULL;

      if (digest == NULL)
        continue;
      file = fb_store_get_attachment_file (self, digest, NULL);
      if (file != NULL || lists_digest (server_attachments, digest))
        continue;
      /* TRANSLATORS: joins the names of attachments in a list */
      g_string_append_printf (names, n == 0 ? _("“%s”") : _(", “%s”"), name);
      n++;
    }
  if (n == 0)
    return TRUE;

  g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_HERE,
               /* TRANSLATORS: %s is one or more attachment names, each in quotes */
               g_dngettext (GETTEXT_PACKAGE,
                            "Your version’s file %s is not on this device yet, and the server’s version "
                            "does not have it: download it first, so that the copy keeps it",
                            "Your version’s files %s are not on this device yet, and the server’s version "
                            "does not have them: download them first, so that the copy keeps them",
                            n),
               names->str);
  return FALSE;
}

/* The person's choice for a conflict, and the id of the copy Keep Both
 * made (the user data of resolve_in_transaction ()). */
typedef struct
{
  const char   *id;
  FbResolution  how;
  char         *new_id;
} Resolution;

/* Keep Mine: my body on top of the server's revision, with the two
 * sides' attachments merged as a set against @base_json (the last synced
 * body), as a sync's merge does (fb_attachments_merge_sets ()). NULL: no
 * change to @mine_json. */
static char *
mine_with_merged_attachments (const char *mine_json,
                              const char *base_json,
                              const char *server_json)
{
  g_autoptr(JsonObject) mine = mine_json != NULL ? fb_body_from_string (mine_json, NULL) : NULL;
  g_autoptr(JsonObject) base = base_json != NULL ? fb_body_from_string (base_json, NULL) : NULL;
  g_autoptr(JsonObject) server = server_json != NULL ? fb_body_from_string (server_json, NULL) : NULL;
  g_autoptr(JsonObject) none = json_object_new ();
  JsonObject *base_set, *mine_set, *server_set;
  g_autoptr(JsonObject) merged = NULL;

  if (mine == NULL)
    return NULL;
  mine_set = fb_body_get_object (mine, FB_BODY_ATTACHMENTS);
  base_set = base != NULL ? fb_body_get_object (base, FB_BODY_ATTACHMENTS) : NULL;
  server_set = server != NULL ? fb_body_get_object (server, FB_BODY_ATTACHMENTS) : NULL;

  merged = fb_attachments_merge_sets (base_set != NULL ? base_set : none,
                                      mine_set != NULL ? mine_set : none,
                                      server_set != NULL ? server_set : none);
  /* My photo renamed beside the server's keeps its place in my fields. */
  if (server != NULL)
    fb_attachments_merge_follow_renames (base, mine, server);
  if (json_object_get_size (merged) == 0)
    json_object_remove_member (mine, FB_BODY_ATTACHMENTS);
  else
    json_object_set_object_member (mine, FB_BODY_ATTACHMENTS, g_steal_pointer (&merged));
  return fb_body_to_string (mine);
}

static gboolean
resolve_in_transaction (FbStore   *self,
                        gpointer   user_data,
                        GError   **error)
{
  Resolution *resolution = user_data;
  const char *id = resolution->id;
  FbResolution how = resolution->how;
  char **new_id = &resolution->new_id;
  g_auto(FbStoreRow) before = { 0, };
  g_auto(FbStoreRow) after = { 0, };

  if (!_fb_store_load_existing_row (self, id, &before, error) ||
      !_fb_store_clear_in_flight (self, id, -1, error))
    return FALSE;

  if (before.state != FB_ITEM_STATE_CONFLICT)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                   _("The item “%s” is not in conflict"), id);
      return FALSE;
    }

  /* Both sides are kept as versions, whichever the person chooses. */
  if (!before.deleted &&
      !_fb_store_history_keep (self, &before, FB_HISTORY_KEEP_BEFORE_OVERWRITE, error))
    return FALSE;
  if (!before.server_deleted && before.server_body != NULL &&
      !_fb_store_history_keep_body (self, id, before.server_body, FB_VERSION_ORIGIN_SERVER,
                                    _fb_store_now (self), error))
    return FALSE;

  _fb_store_row_copy (&before, &after);
  _fb_store_set_string (&after.base_rev, before.server_rev);
  _fb_store_set_string (&after.base_body, before.server_deleted ? NULL : before.server_body);
  g_clear_pointer (&after.server_rev, g_free);
  g_clear_pointer (&after.server_body, g_free);
  after.server_deleted = FALSE;
  g_clear_pointer (&after.sync_error, g_free);
  after.updated_at = _fb_store_now (self);

  if (how == FB_RESOLVE_KEEP_MINE)
    {
      g_autofree char *kept = NULL;

      /* Mine goes on top of the server's revision: the attachments of
       * both merged as a set, nothing either side added is lost. */
      if (after.body != NULL && before.server_deleted)
        kept = fb_body_json_with_attachments_of (after.body, NULL);
      else if (after.body != NULL)
        kept = mine_with_merged_attachments (after.body, before.base_body, before.server_body);
      if (kept != NULL)
        _fb_store_set_string (&after.body, kept);
      after.state = FB_ITEM_STATE_PENDING;
      if (!_fb_store_next_local_seq (self, &after.local_seq, error))
        return FALSE;
      return _fb_store_save_row (self, &before, &after, FB_STORE_CHANGE_RESOLUTION, error) &&
             _fb_store_history_set_origin (self, id, FB_VERSION_ORIGIN_RESOLUTION,
                                           after.local_seq, error);
    }

  /* Mine lives on as a new item; a deleted mine has nothing to keep. */
  if (how == FB_RESOLVE_KEEP_BOTH && !before.deleted)
    {
      g_autofree char *copy_id = g_uuid_string_random ();
      g_autoptr(JsonObject) copy_body = copy_body_titled (before.body);

      /* With the files of mine that are here (fb-store-rows.c). */
      if (copy_body != NULL &&
          !check_copy_keeps_files (self, copy_body, before.server_deleted ? NULL : before.server_body, error))
        return FALSE;
      if (copy_body != NULL
          ? !_fb_store_insert_copy (self, copy_id, before.collection, copy_body, NULL, error)
          : !_fb_store_insert_new_item (self, copy_id, before.collection, before.body, NULL, error))
        return FALSE;
      if (new_id != NULL)
        *new_id = g_steal_pointer (&copy_id);
    }

  if (before.server_deleted)
    return _fb_store_purge_row (self, &before, before.server_rev, FB_STORE_CHANGE_RESOLUTION, error);

  _fb_store_set_string (&after.body, before.server_body);
  after.deleted = FALSE;
  after.state = FB_ITEM_STATE_SYNCED;

  return _fb_store_save_row (self, &before, &after, FB_STORE_CHANGE_RESOLUTION, error) &&
         _fb_store_history_set_origin (self, id, FB_VERSION_ORIGIN_RESOLUTION,
                                       after.local_seq, error);
}

gboolean
fb_store_resolve_conflict (FbStore       *self,
                           const char    *id,
                           FbResolution   how,
                           char         **new_id,
                           GError       **error)
{
  Resolution resolution = { .id = id, .how = how };

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (how <= FB_RESOLVE_KEEP_BOTH, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (new_id != NULL)
    *new_id = NULL;

  if (!fb_store_with_transaction (self, resolve_in_transaction, &resolution, error))
    {
      g_free (resolution.new_id);
      return FALSE;
    }

  if (new_id != NULL)
    *new_id = resolution.new_id;
  else
    g_free (resolution.new_id);

  return TRUE;
}
