/* test-store-history.c: the Trash and version history of FbStore */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-store-history"

#include "config.h"

#include "fb-store.h"
#include "fb-attachments.h"
#include "fb-item-body.h"
#include "fb-store-history.h"
#include "fb-test-store.h"

#define MINUTE (60 * 1000)
#define DAY    ((gint64) 24 * 60 * MINUTE)

typedef struct
{
  char      *dir;
  FbStore   *store;
  gint64     now;
  guint      changed;
} Fixture;

/* Time stands still unless the test moves it. */
static gint64
still_clock (gpointer user_data)
{
  return *(gint64 *) user_data;
}

static void
item_changed_cb (FbStore *store,
                 FbItem  *item,
                 Fixture *f)
{
  f->changed++;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = fb_test_make_tmp_dir ();
  path = g_build_filename (f->dir, "fieldbook.db", NULL);
  f->now = 1700000000000;
  f->store = fb_store_new (path, &error);
  g_assert_no_error (error);
  _fb_store_set_clock (f->store, still_clock, &f->now);
  g_signal_connect (f->store, "item-changed", G_CALLBACK (item_changed_cb), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (g_steal_pointer (&f->store));
  fb_test_remove_tree (f->dir);
  g_free (f->dir);
}

static char *
create_note (Fixture    *f,
             const char *title,
             const char *text)
{
  g_autoptr(FbItem) item = fb_test_store_create_note (f->store, title, text);

  return g_strdup (fb_item_get_id (item));
}

static void
edit_note (Fixture    *f,
           const char *id,
           const char *title,
           const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = fb_note_body_new (title, text);

  g_assert_true (fb_store_update_item (f->store, id, body, &error));
  g_assert_no_error (error);
}

static FbItem *
get_item (Fixture    *f,
          const char *id)
{
  g_autoptr(GError) error = NULL;
  FbItem *item = fb_store_get_item (f->store, id, &error);

  g_assert_no_error (error);
  return item;
}

static GPtrArray *
versions_of (Fixture    *f,
             const char *id)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *versions = fb_store_list_versions (f->store, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (versions);
  return versions;
}

static const char *
version_text (GPtrArray *versions,
              guint      i)
{
  return json_object_get_string_member (fb_version_get_body (versions->pdata[i]), "text");
}

static FbVersionOrigin
version_origin (GPtrArray *versions,
                guint      i)
{
  return fb_version_get_origin (versions->pdata[i]);
}

static gboolean
in_trash (Fixture    *f,
          const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) trash = fb_store_list_trash (f->store, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < trash->len; i++)
    if (g_str_equal (fb_item_get_id (trash->pdata[i]), id))
      return TRUE;
  return FALSE;
}

/* A thousand saves in one minute make one version before the first and one
 * when the person leaves the item; a pause of 10 minutes makes the next. */
static void
test_pause (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *id = create_note (f, "Walk", "Start");
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 1; i <= 1000; i++)
    {
      g_autofree char *text = g_strdup_printf ("Start %u", i);

      f->now += 60;
      edit_note (f, id, "Walk", text);
    }
  versions = versions_of (f, id);
  g_assert_cmpuint (versions->len, ==, 1);
  g_assert_cmpstr (version_text (versions, 0), ==, "Start");
  g_assert_cmpint (version_origin (versions, 0), ==, FB_VERSION_ORIGIN_DEVICE);

  /* Leaving the item keeps what it says now, once. */
  g_assert_true (fb_store_keep_version (f->store, id, &error));
  g_assert_true (fb_store_keep_version (f->store, id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&versions, g_ptr_array_unref);
  versions = versions_of (f, id);
  g_assert_cmpuint (versions->len, ==, 2);
  g_assert_cmpstr (version_text (versions, 0), ==, "Start 1000");

  /* Typing on within the pause: nothing more; after it: the version before. */
  f->now += 9 * MINUTE;
  edit_note (f, id, "Walk", "Later");
  g_clear_pointer (&versions, g_ptr_array_unref);
  versions = versions_of (f, id);
  g_assert_cmpuint (versions->len, ==, 2);
  f->now += 2 * MINUTE;
  edit_note (f, id, "Walk", "Much later");
  g_clear_pointer (&versions, g_ptr_array_unref);
  versions = versions_of (f, id);
  g_assert_cmpuint (versions->len, ==, 3);
  g_assert_cmpstr (version_text (versions, 0), ==, "Later");
  g_assert_cmpint (fb_version_get_edited_at (versions->pdata[0]), ==, f->now - 2 * MINUTE);

  /* A new empty note has nothing worth keeping. */
  {
    g_autofree char *empty = create_note (f, "", "");
    g_autoptr(GPtrArray) none = NULL;

    edit_note (f, empty, "T", "");
    none = versions_of (f, empty);
    g_assert_cmpuint (none->len, ==, 0);
  }
}

/* What the server sends replaces a body only after that body is kept. */
static void
test_before_sync (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *id = create_note (f, "Site", "mine");
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(FbItem) item = get_item (f, id);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) theirs1 = fb_note_body_new ("Site", "theirs 1");
  g_autoptr(JsonObject) theirs2 = fb_note_body_new ("Site", "theirs 2");
  g_autoptr(JsonObject) theirs3 = fb_note_body_new ("Site", "theirs 3");

  g_assert_true (fb_store_mark_item_pushed (f->store, item, "1-a", &error));
  f->now += MINUTE;
  g_assert_true (fb_store_apply_remote (f->store, id, FB_COLLECTION_NOTES, "2-b", theirs1,
                                        FALSE, f->now, &error));
  g_assert_no_error (error);
  versions = versions_of (f, id);
  g_assert_cmpuint (versions->len, ==, 1);
  g_assert_cmpstr (version_text (versions, 0), ==, "mine");
  g_assert_cmpint (version_origin (versions, 0), ==, FB_VERSION_ORIGIN_DEVICE);

  /* The next server version a minute later replaces a server version: kept
   * once per pause, not per pull. */
  f->now += MINUTE;
  g_assert_true (fb_store_apply_remote (f->store, id, FB_COLLECTION_NOTES, "3-b", theirs2,
                                        FALSE, f->now, &error));
  g_clear_pointer (&versions, g_ptr_array_unref);
  versions = versions_of (f, id);
  g_assert_cmpuint (versions->len, ==, 1);
  f->now += 11 * MINUTE;
  g_assert_true (fb_store_apply_remote (f->store, id, FB_COLLECTION_NOTES, "4-b", theirs3,
                                        FALSE, f->now, &error));
  g_clear_pointer (&versions, g_ptr_array_unref);
  versions = versions_of (f, id);
  g_assert_cmpuint (versions->len, ==, 2);
  g_assert_cmpstr (version_text (versions, 0), ==, "theirs 2");
  g_assert_cmpint (version_origin (versions, 0), ==, FB_VERSION_ORIGIN_SERVER);

  /* A local edit right after a pull keeps the server's version first. */
  f->now += 1000;
  edit_note (f, id, "Site", "mine again");
  g_clear_pointer (&versions, g_ptr_array_unref);
  versions = versions_of (f, id);
  g_assert_cmpuint (versions->len, ==, 3);
  g_assert_cmpstr (version_text (versions, 0), ==, "theirs 3");
  g_assert_cmpint (version_origin (versions, 0), ==, FB_VERSION_ORIGIN_SERVER);

  /* A merge keeps this device's body; the merged one is labelled a merge. */
  {
    g_autoptr(JsonObject) server = fb_note_body_new ("Site", "server 5");
    g_autoptr(JsonObject) merged = fb_note_body_new ("Site", "merged");

    f->now += 1000;
    edit_note (f, id, "Site", "mine 4");
    f->now += 1000;
    g_assert_true (fb_store_apply_merged (f->store, id, "5-b", server, FALSE, merged, FALSE,
                                          &error));
    g_assert_no_error (error);
    g_clear_pointer (&versions, g_ptr_array_unref);
    versions = versions_of (f, id);
    g_assert_cmpuint (versions->len, ==, 4);
    g_assert_cmpstr (version_text (versions, 0), ==, "mine 4");
    g_assert_cmpint (version_origin (versions, 0), ==, FB_VERSION_ORIGIN_DEVICE);
    g_assert_true (fb_store_keep_version (f->store, id, &error));
    g_clear_pointer (&versions, g_ptr_array_unref);
    versions = versions_of (f, id);
    g_assert_cmpstr (version_text (versions, 0), ==, "merged");
    g_assert_cmpint (version_origin (versions, 0), ==, FB_VERSION_ORIGIN_MERGE);
  }

  /* A conflict resolution keeps both sides, whichever wins. */
  {
    g_autoptr(JsonObject) server = fb_note_body_new ("Site", "server 6");
    guint before;

    f->now += 1000;
    edit_note (f, id, "Site", "mine 6");
    g_clear_pointer (&versions, g_ptr_array_unref);
    versions = versions_of (f, id);
    before = versions->len;
    g_assert_true (fb_store_set_conflict (f->store, id, "6-b", server, FALSE, &error));
    g_assert_true (fb_store_resolve_conflict (f->store, id, FB_RESOLVE_USE_SERVER, NULL,
                                              &error));
    g_assert_no_error (error);
    g_clear_pointer (&versions, g_ptr_array_unref);
    versions = versions_of (f, id);
    g_assert_cmpuint (versions->len, ==, before + 2);
    g_assert_cmpstr (version_text (versions, 0), ==, "server 6");
    g_assert_cmpint (version_origin (versions, 0), ==, FB_VERSION_ORIGIN_SERVER);
    g_assert_cmpstr (version_text (versions, 1), ==, "mine 6");
    g_assert_cmpint (version_origin (versions, 1), ==, FB_VERSION_ORIGIN_DEVICE);
  }
}

static void
make_versions (Fixture    *f,
               const char *id,
               guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("v%u", i);

      f->now += 11 * MINUTE;
      edit_note (f, id, "P", text);
    }
}

/* At most N versions per item, none older than the age limit but the
 * newest, and the other items' versions untouched. */
static void
test_prune (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *a = create_note (f, "P", "start");
  g_autofree char *b = create_note (f, "P", "start");
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;
  guint removed = 0;

  fb_store_set_history_limits (f->store, 3, 0);
  make_versions (f, a, 6);
  versions = versions_of (f, a);
  g_assert_cmpuint (versions->len, ==, 3);
  g_assert_cmpstr (version_text (versions, 0), ==, "v4");
  g_assert_cmpstr (version_text (versions, 2), ==, "v2");

  /* An old item: all versions but the newest are older than 30 days. */
  fb_store_set_history_limits (f->store, 0, 30);
  make_versions (f, b, 5);
  f->now += 31 * DAY;
  edit_note (f, a, "P", "fresh");
  f->now += 11 * MINUTE;
  edit_note (f, a, "P", "fresher");
  g_assert_true (fb_store_prune_history (f->store, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed, ==, 3 + 4);
  g_clear_pointer (&versions, g_ptr_array_unref);
  versions = versions_of (f, b);
  g_assert_cmpuint (versions->len, ==, 1);
  g_assert_cmpstr (version_text (versions, 0), ==, "v3");
  g_clear_pointer (&versions, g_ptr_array_unref);
  versions = versions_of (f, a);
  g_assert_cmpuint (versions->len, ==, 2);
  g_assert_cmpstr (version_text (versions, 0), ==, "fresh");
  g_assert_cmpstr (version_text (versions, 1), ==, "v5");

  /* Lowering the count prunes on the next run. */
  fb_store_set_history_limits (f->store, 1, 0);
  g_assert_true (fb_store_prune_history (f->store, &removed, &error));
  g_assert_cmpuint (removed, ==, 1);
}

/* Restoring a version is one local edit in one transaction: the body, the
 * pending state and the kept replaced body commit or roll back together. */
static void
test_restore (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *id = create_note (f, "R", "first");
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(FbItem) synced = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;
  gint64 first;

  f->now += MINUTE;
  edit_note (f, id, "R", "second");
  synced = get_item (f, id);
  g_assert_true (fb_store_mark_item_pushed (f->store, synced, "1-a", &error));
  versions = versions_of (f, id);
  g_assert_cmpuint (versions->len, ==, 1);
  first = fb_version_get_id (versions->pdata[0]);

  /* Rolled back with the caller's transaction: nothing of it stays. */
  g_assert_true (fb_store_begin (f->store, &error));
  g_assert_true (fb_store_restore_version (f->store, id, first, NULL, &error));
  fb_store_rollback (f->store);
  item = get_item (f, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "second");
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
  g_clear_pointer (&versions, g_ptr_array_unref);
  versions = versions_of (f, id);
  g_assert_cmpuint (versions->len, ==, 1);

  f->changed = 0;
  g_assert_true (fb_store_restore_version (f->store, id, first, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->changed, ==, 1);
  g_clear_object (&item);
  item = get_item (f, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "first");
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_PENDING);
  g_assert_cmpint (fb_item_get_local_seq (item), >, fb_item_get_local_seq (synced));
  g_assert_cmpstr (fb_item_get_base_rev (item), ==, "1-a");
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 1);
  /* …and the restore can be undone. */
  g_clear_pointer (&versions, g_ptr_array_unref);
  versions = versions_of (f, id);
  g_assert_cmpuint (versions->len, ==, 2);
  g_assert_cmpstr (version_text (versions, 0), ==, "second");

  /* An item in conflict: refused, in words, nothing changed. */
  {
    g_autoptr(JsonObject) server = fb_note_body_new ("R", "server");
    g_autoptr(FbItem) conflicted = NULL;

    g_assert_true (fb_store_set_conflict (f->store, id, "2-b", server, FALSE, &error));
    g_assert_false (fb_store_restore_version (f->store, id,
                                              fb_version_get_id (versions->pdata[0]),
                                              NULL, &error));
    g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_IN_CONFLICT);
    g_assert_nonnull (strstr (error->message, "conflict"));
    g_clear_error (&error);
    conflicted = get_item (f, id);
    g_assert_cmpstr (fb_item_get_text (conflicted), ==, "first");
  }

  /* A version of another item is not this item's. */
  {
    g_autofree char *other = create_note (f, "O", "x");

    g_assert_false (fb_store_restore_version (f->store, other, first, NULL, &error));
    g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND);
  }
}

/* The version with the text and fields of @text, asserted to exist. */
static gint64
version_with_text (Fixture    *f,
                   const char *id,
                   const char *text)
{
  g_autoptr(GPtrArray) versions = versions_of (f, id);

  for (guint i = 0; i < versions->len; i++)
    if (g_strcmp0 (version_text (versions, i), text) == 0)
      return fb_version_get_id (versions->pdata[i]);
  g_assert_not_reached ();
}

/* A version restored brings back the files it had that were removed
 * since (an upload again: the server's version no longer has them), and
 * keeps those attached since. One whose file is neither here nor in the
 * server's version cannot come back, and is counted. */
static void
test_restore_attachments (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *id = create_note (f, "R", "first");
  g_autoptr(GBytes) nest = g_bytes_new_static ("three eggs", 10);
  g_autoptr(GBytes) wall = g_bytes_new_static ("a crack", 7);
  g_autoptr(FbAttachment) nest_added = fb_test_store_attach (f->store, id, "nest.jpg", "image/jpeg", nest);
  g_autoptr(FbAttachment) wall_added = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(FbItem) restored = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *attachments;
  guint n_left_out = 99;

  item = get_item (f, id);
  g_assert_true (fb_store_mark_item_pushed (f->store, item, "1-a", &error));
  g_assert_true (fb_store_keep_version (f->store, id, &error));
  f->now += MINUTE;
  g_assert_true (fb_store_remove_attachment (f->store, id, "nest.jpg", &error));
  wall_added = fb_test_store_attach (f->store, id, "wall.jpg", "image/jpeg", wall);
  edit_note (f, id, "R", "second");
  g_clear_object (&item);
  item = get_item (f, id);
  g_assert_true (fb_store_mark_item_pushed (f->store, item, "2-b", &error));

  g_assert_true (fb_store_restore_version (f->store, id, version_with_text (f, id, "first"), &n_left_out, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_left_out, ==, 0);
  restored = get_item (f, id);
  g_assert_cmpstr (fb_item_get_text (restored), ==, "first");
  g_assert_cmpint (fb_item_get_state (restored), ==, FB_ITEM_STATE_PENDING);
  attachments = fb_body_get_object (fb_item_get_body (restored), FB_BODY_ATTACHMENTS);
  g_assert_nonnull (attachments);
  g_assert_cmpuint (json_object_get_size (attachments), ==, 2);
  g_assert_cmpstr (fb_body_get_string (fb_body_get_object (attachments, "nest.jpg"), "digest"), ==, nest_added->digest);
  g_assert_false (json_object_has_member (fb_body_get_object (attachments, "nest.jpg"), "stub"));
  g_assert_cmpstr (fb_body_get_string (fb_body_get_object (attachments, "wall.jpg"), "digest"), ==, wall_added->digest);
  got = fb_test_store_attachment_bytes (f->store, id, "nest.jpg");
  g_assert_true (g_bytes_equal (got, nest));

  /* Another program's file, never downloaded, removed on the server. */
  {
    g_autoptr(JsonObject) with_far = fb_note_body_new ("P", "pulled");
    g_autoptr(JsonObject) without = fb_note_body_new ("P", "removed there");
    g_autoptr(JsonObject) far = json_object_new ();
    g_autoptr(FbItem) back = NULL;
    JsonObject *entry = json_object_new ();

    json_object_set_boolean_member (entry, "stub", TRUE);
    json_object_set_string_member (entry, "content_type", "image/jpeg");
    json_object_set_string_member (entry, "digest", "md5-2K8w1ITd3vbFNrVCgJWzVQ==");
    json_object_set_int_member (entry, "length", 5);
    json_object_set_int_member (entry, "revpos", 1);
    json_object_set_object_member (far, "far.jpg", entry);
    json_object_set_object_member (with_far, FB_BODY_ATTACHMENTS, json_object_ref (far));
    g_assert_true (fb_store_apply_remote (f->store, "p", FB_COLLECTION_NOTES, "1-p", with_far, FALSE,
                                          f->now, &error));
    f->now += MINUTE;
    g_assert_true (fb_store_apply_remote (f->store, "p", FB_COLLECTION_NOTES, "2-p", without, FALSE,
                                          f->now, &error));
    g_assert_true (fb_store_restore_version (f->store, "p", version_with_text (f, "p", "pulled"),
                                             &n_left_out, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n_left_out, ==, 1);
    back = get_item (f, "p");
    g_assert_cmpstr (fb_item_get_text (back), ==, "pulled");
    g_assert_null (fb_body_get_object (fb_item_get_body (back), FB_BODY_ATTACHMENTS));
  }
}

/* Deleting puts an item in the Trash, out of lists and search; its
 * tombstone syncs and it stays there; restoring is an edit on top of the
 * tombstone; deleting for good removes it and its history. */
static void
test_trash (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *id = create_note (f, "Bird list", "wren");
  g_autoptr(FbItem) item = get_item (f, id);
  g_autoptr(FbItem) tomb = NULL;
  g_autoptr(FbItem) back = NULL;
  g_autoptr(GPtrArray) live = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (fb_store_mark_item_pushed (f->store, item, "1-a", &error));
  f->now += 11 * MINUTE;
  edit_note (f, id, "Bird list", "wren, robin");
  g_clear_object (&item);
  item = get_item (f, id);
  g_assert_true (fb_store_mark_item_pushed (f->store, item, "2-a", &error));

  g_assert_true (fb_store_delete_item (f->store, id, &error));
  g_assert_true (in_trash (f, id));
  g_assert_cmpuint (fb_store_get_trash_count (f->store), ==, 1);
  g_assert_cmpint (fb_store_get_trashed_at (f->store, id), ==, f->now);
  live = fb_store_list_items (f->store, NULL, &error);
  g_assert_cmpuint (live->len, ==, 0);
  found = fb_store_search (f->store, NULL, "robin", &error);
  g_assert_cmpuint (found->len, ==, 0);

  /* The tombstone is pushed, and the Trash keeps the item. */
  tomb = get_item (f, id);
  g_assert_true (fb_store_mark_item_pushed (f->store, tomb, "3-a", &error));
  g_assert_no_error (error);
  g_assert_true (in_trash (f, id));
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 0);

  g_assert_true (fb_store_restore_item (f->store, id, &error));
  back = get_item (f, id);
  g_assert_false (fb_item_get_deleted (back));
  g_assert_cmpstr (fb_item_get_text (back), ==, "wren, robin");
  g_assert_cmpint (fb_item_get_state (back), ==, FB_ITEM_STATE_PENDING);
  g_assert_cmpstr (fb_item_get_base_rev (back), ==, "3-a");
  g_assert_cmpuint (fb_store_get_trash_count (f->store), ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = fb_store_search (f->store, NULL, "robin", &error);
  g_assert_cmpuint (found->len, ==, 1);

  /* Deleted for good: pushed first, then gone with its history. */
  g_assert_true (fb_store_delete_item (f->store, id, &error));
  g_assert_true (fb_store_forget_item (f->store, id, &error));
  g_assert_no_error (error);
  g_assert_false (in_trash (f, id));
  g_assert_cmpuint (fb_store_get_trash_count (f->store), ==, 0);
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 1);
  g_clear_object (&tomb);
  tomb = get_item (f, id);
  g_assert_true (fb_item_get_deleted (tomb));
  g_assert_true (fb_store_mark_item_pushed (f->store, tomb, "5-a", &error));
  g_assert_null (fb_store_get_item (f->store, id, &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  versions = versions_of (f, id);
  g_assert_cmpuint (versions->len, ==, 0);

  /* An item never pushed goes at once. */
  {
    g_autofree char *local = create_note (f, "Local", "only");

    g_assert_true (fb_store_delete_item (f->store, local, &error));
    g_assert_true (fb_store_forget_item (f->store, local, &error));
    g_assert_null (fb_store_get_item (f->store, local, &error));
    g_clear_error (&error);
    g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 0);
  }

  /* Only items in the Trash can be deleted for good. */
  {
    g_autofree char *alive = create_note (f, "Alive", "");

    g_assert_false (fb_store_forget_item (f->store, alive, &error));
    g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND);
  }
}

/* Deleted on another device: the pull puts it in the Trash with its text;
 * brought back there, it leaves the Trash. */
static void
test_trash_remote (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(JsonObject) body = fb_note_body_new ("Remote", "kept text");
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (fb_store_apply_remote (f->store, "r1", FB_COLLECTION_NOTES, "1-r", body,
                                        FALSE, f->now, &error));
  g_assert_true (fb_store_apply_remote (f->store, "r1", NULL, "2-r", NULL, TRUE, 0, &error));
  g_assert_no_error (error);
  g_assert_true (in_trash (f, "r1"));
  item = get_item (f, "r1");
  g_assert_cmpstr (fb_item_get_text (item), ==, "kept text");
  g_assert_cmpstr (fb_item_get_base_rev (item), ==, "2-r");

  /* The same deletion again changes nothing. */
  f->changed = 0;
  g_assert_true (fb_store_apply_remote (f->store, "r1", NULL, "2-r", NULL, TRUE, 0, &error));
  g_assert_cmpuint (f->changed, ==, 0);

  g_assert_true (fb_store_apply_remote (f->store, "r1", FB_COLLECTION_NOTES, "3-r", body,
                                        FALSE, f->now, &error));
  g_assert_false (in_trash (f, "r1"));
  g_clear_object (&item);
  item = get_item (f, "r1");
  g_assert_false (fb_item_get_deleted (item));
}

/* Items older than the limit go; the rest stay; 0 empties everything. */
static void
test_trash_empty (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *old = create_note (f, "Old", "o");
  g_autofree char *young = create_note (f, "Young", "y");
  g_autoptr(GError) error = NULL;
  guint removed = 0;

  g_assert_true (fb_store_delete_item (f->store, old, &error));
  f->now += 20 * DAY;
  g_assert_true (fb_store_delete_item (f->store, young, &error));
  f->now += 11 * DAY;
  g_assert_true (fb_store_empty_trash (f->store, 30 * (gint64) DAY, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed, ==, 1);
  g_assert_false (in_trash (f, old));
  g_assert_true (in_trash (f, young));

  g_assert_true (fb_store_empty_trash (f->store, 0, &removed, &error));
  g_assert_cmpuint (removed, ==, 1);
  g_assert_cmpuint (fb_store_get_trash_count (f->store), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/history/pause", test_pause);
  ADD ("/history/before-sync", test_before_sync);
  ADD ("/history/prune", test_prune);
  ADD ("/history/restore", test_restore);
  ADD ("/history/restore-attachments", test_restore_attachments);
  ADD ("/trash/local", test_trash);
  ADD ("/trash/remote", test_trash_remote);
  ADD ("/trash/empty", test_trash_empty);
#undef ADD

  return g_test_run ();
}
