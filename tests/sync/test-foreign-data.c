/* test-foreign-data.c: other programs' data and odd text survive a round trip through Fieldbook */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-foreign-data"

#include "config.h"

#include <string.h>

#include "fb-attachments.h"
#include "fb-json-text.h"
#include "fb-store.h"
#include "fb-sync-manager.h"
#include "fb-test-peer.h"
#include "fb-test-server.h"
#include "fb-test-store.h"

#define ADMIN    "admin"
#define PASSWORD "s3cret"

static FbTestServer *server;

/* ---- A device: the shared FbTestPeer (tests/support/fb-test-peer.c) ---- */

typedef FbTestPeer Device;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Device, fb_test_peer_free)

static Device *
device_new (const char *db)
{
  return fb_test_peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, TRUE);
}

static FbSyncStats *
device_sync (Device *device)
{
  g_autoptr(GError) error = NULL;
  FbSyncStats *stats = fb_test_peer_sync_full (device, &error);

  g_assert_no_error (error);
  return stats;
}

/* A local edit as the note editor makes it: a copy of the body with new tags. */
static void
set_tags (Device     *device,
          const char *id,
          const char *tag)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = fb_store_get_item (device->store, id, &error);
  g_autoptr(JsonObject) body = NULL;
  JsonArray *tags = json_array_new ();

  g_assert_no_error (error);
  body = fb_body_copy (fb_item_get_body (item));
  json_array_add_string_element (tags, tag);
  json_object_set_array_member (body, "tags", tags);
  fb_store_update_item (device->store, id, body, &error);
  g_assert_no_error (error);
}

static void
set_string (Device     *device,
            const char *id,
            const char *key,
            const char *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = fb_store_get_item (device->store, id, &error);
  g_autoptr(JsonObject) body = NULL;

  g_assert_no_error (error);
  body = fb_body_copy (fb_item_get_body (item));
  json_object_set_string_member (body, key, value);
  fb_store_update_item (device->store, id, body, &error);
  g_assert_no_error (error);
}

/* ---- The server's side ---- */

/* Another program edits the document, keeping what it does not touch. */
static void
server_edit (const char *db,
             const char *id,
             const char *key,
             const char *value,
             const char *add_attachment)
{
  g_autoptr(JsonObject) doc = fb_test_server_doc (server, db, id);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *rev = NULL;

  if (key != NULL)
    json_object_set_string_member (doc, key, value);
  if (add_attachment != NULL)
    {
      JsonObject *attachment = json_object_new ();

      json_object_set_string_member (attachment, "content_type", "text/plain");
      json_object_set_string_member (attachment, "data", "bW9yZQ==");
      json_object_set_object_member (json_object_get_object_member (doc, "_attachments"),
                                     add_attachment, attachment);
    }

  node = json_node_init_object (json_node_alloc (), doc);
  json = json_to_string (node, FALSE);
  rev = fb_test_server_put_doc (server, db, id, json, &error);
  g_assert_no_error (error);
}

#define PHOTO_DOC \
  "{\"type\": \"notes\", \"title\": \"Field photo\", \"text\": \"one\\ntwo\\nthree\\n\"," \
  " \"tags\": [\"birds\"], \"pinned\": true, \"geo\": {\"lat\": 57.3, \"lon\": -6.2}," \
  " \"updated_at\": 5," \
  " \"_attachments\": {\"photo.png\": {\"content_type\": \"image/png\", \"data\": \"aGVsbG8=\"}}}"

/* Another program's attachment and keys survive a local edit. */
static void
test_attachments_survive_edit (void)
{
  g_autoptr(Device) a = device_new ("foreign-attachments");
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *digest = NULL;

  fb_test_server_create_db (server, "foreign-attachments", &error);
  g_assert_no_error (error);
  rev = fb_test_server_put_doc (server, "foreign-attachments", "photo-note", PHOTO_DOC, &error);
  g_assert_no_error (error);
  before = fb_test_server_doc (server, "foreign-attachments", "photo-note");
  digest = g_strdup (fb_test_doc_attachment_digest (before, "photo.png"));
  g_assert_nonnull (digest);

  s = device_sync (a);
  g_assert_cmpuint (s->pulled, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);

  set_tags (a, "photo-note", "seabirds");
  s = device_sync (a);
  g_assert_cmpuint (s->pushed, ==, 1);

  after = fb_test_server_doc (server, "foreign-attachments", "photo-note");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (after, "tags"), 0),
                   ==, "seabirds");
  g_assert_cmpstr (fb_test_doc_attachment_digest (after, "photo.png"), ==, digest);
  g_assert_true (json_object_get_boolean_member (after, "pinned"));
  g_assert_true (json_node_equal (json_object_get_member (before, "geo"),
                                  json_object_get_member (after, "geo")));
  g_assert_cmpstr (json_object_get_string_member (after, "text"), ==, "one\ntwo\nthree\n");
}

/* A merge with the other program's edit, and "Keep mine" in a conflict,
 * both keep every attachment, also one added meanwhile. */
static void
test_attachments_survive_merge_and_resolution (void)
{
  const char *db = "foreign-attachments-merge";
  g_autoptr(Device) a = device_new (db);
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *digest = NULL;

  fb_test_server_create_db (server, db, &error);
  g_assert_no_error (error);
  rev = fb_test_server_put_doc (server, db, "photo-note", PHOTO_DOC, &error);
  g_assert_no_error (error);
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  doc = fb_test_server_doc (server, db, "photo-note");
  digest = g_strdup (fb_test_doc_attachment_digest (doc, "photo.png"));
  g_clear_pointer (&doc, json_object_unref);

  /* The other program edits line 1 and adds an attachment; this device
   * edits line 3 and the tags: a clean merge. */
  server_edit (db, "photo-note", "text", "ONE\ntwo\nthree\n", "notes.txt");
  set_string (a, "photo-note", "text", "one\ntwo\nTHREE\n");
  set_tags (a, "photo-note", "gulls");
  s = device_sync (a);
  g_assert_cmpuint (s->merged, ==, 1);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);

  doc = fb_test_server_doc (server, db, "photo-note");
  g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "ONE\ntwo\nTHREE\n");
  g_assert_cmpstr (fb_test_doc_attachment_digest (doc, "photo.png"), ==, digest);
  g_assert_nonnull (fb_test_doc_attachment_digest (doc, "notes.txt"));
  g_clear_pointer (&doc, json_object_unref);

  /* Both change the title: a conflict. The other program also adds an
   * attachment; "Keep mine" keeps mine and every attachment. */
  server_edit (db, "photo-note", "title", "Photo (theirs)", "more.txt");
  set_string (a, "photo-note", "title", "Photo (mine)");
  s = device_sync (a);
  g_assert_cmpuint (s->conflicts, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);

  fb_store_resolve_conflict (a->store, "photo-note", FB_RESOLVE_KEEP_MINE, NULL, &error);
  g_assert_no_error (error);
  s = device_sync (a);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  item = fb_store_get_item (a->store, "photo-note", &error);
  g_assert_no_error (error);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);

  doc = fb_test_server_doc (server, db, "photo-note");
  g_assert_cmpstr (json_object_get_string_member (doc, "title"), ==, "Photo (mine)");
  g_assert_cmpstr (fb_test_doc_attachment_digest (doc, "photo.png"), ==, digest);
  g_assert_nonnull (fb_test_doc_attachment_digest (doc, "notes.txt"));
  g_assert_nonnull (fb_test_doc_attachment_digest (doc, "more.txt"));
  g_assert_true (json_object_get_boolean_member (doc, "pinned"));
}

/* "Keep both": the copy is a new document, so it uploads the files this
 * device holds (a stub would be refused) — also one attached here in the
 * conflicting edit, which the server's version never had — and the
 * original keeps its own. Nothing of either version is lost. */
static void
test_attachments_keep_both (void)
{
  const char *db = "foreign-attachments-keep-both";
  g_autoptr(Device) a = device_new (db);
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonObject) copy = NULL;
  g_autoptr(FbItem) copy_item = NULL;
  g_autoptr(GBytes) mine = g_bytes_new_static ("heron at the weir, 07:40", 24);
  g_autoptr(GBytes) photo_here = NULL;
  g_autoptr(FbAttachment) attached = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *copy_id = NULL;

  fb_test_server_create_db (server, db, &error);
  g_assert_no_error (error);
  rev = fb_test_server_put_doc (server, db, "photo-note", PHOTO_DOC, &error);
  g_assert_no_error (error);
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  /* The pull brought the photo's small file. */
  photo_here = fb_test_store_attachment_bytes (a->store, "photo-note", "photo.png");
  g_assert_nonnull (photo_here);

  server_edit (db, "photo-note", "title", "Photo (theirs)", NULL);
  set_string (a, "photo-note", "title", "Photo (mine)");
  attached = fb_test_store_attach (a->store, "photo-note", "mine.txt", "text/plain", mine);
  s = device_sync (a);
  g_assert_cmpuint (s->conflicts, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);

  fb_store_resolve_conflict (a->store, "photo-note", FB_RESOLVE_KEEP_BOTH, &copy_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (copy_id);
  s = device_sync (a);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);
  copy_item = fb_store_get_item (a->store, copy_id, &error);
  g_assert_no_error (error);
  g_assert_null (fb_item_get_sync_error (copy_item));

  doc = fb_test_server_doc (server, db, "photo-note");
  g_assert_cmpstr (json_object_get_string_member (doc, "title"), ==, "Photo (theirs)");
  g_assert_nonnull (fb_test_doc_attachment_digest (doc, "photo.png"));
  g_assert_null (fb_test_doc_attachment_digest (doc, "mine.txt"));
  copy = fb_test_server_doc (server, db, copy_id);
  g_assert_cmpstr (json_object_get_string_member (copy, "title"), ==, "Photo (mine) (copy from this device)");
  g_assert_cmpstr (fb_test_doc_attachment_digest (copy, "photo.png"), ==, fb_test_doc_attachment_digest (doc, "photo.png"));
  g_assert_cmpstr (fb_test_doc_attachment_digest (copy, "mine.txt"), ==, attached->digest);
  g_assert_true (json_object_get_boolean_member (copy, "pinned"));
}

/* ---- Odd text ---- */

/* The raw JSON text of top-level member @key in @doc's bytes, from its
 * opening to its closing quote, as the server wrote it. */
static char *
raw_member (GBytes     *doc,
            const char *key)
{
  gsize len;
  const char *data = g_bytes_get_data (doc, &len);
  g_autofree char *needle = g_strdup_printf ("\"%s\":\"", key);
  g_autofree char *text = g_strndup (data, len);
  const char *start = strstr (text, needle);
  const char *p;

  g_assert_nonnull (start);
  start += strlen (needle) - 1;
  for (p = start + 1; *p != '"'; p++)
    {
      g_assert_true (*p != '\0');
      if (*p == '\\')
        p++;
    }

  return g_strndup (start, p + 1 - start);
}

/* A text with a NUL, lone surrogates of both kinds, a proper pair and
 * U+10FFFF (the noncharacter Fieldbook marks such code units with), from
 * another program: pulled, its tags edited here and pushed, the server
 * holds every code unit it had, byte for byte. */
static void
test_odd_text_round_trip (void)
{
  const char *db = "foreign-odd-text";
  g_autoptr(Device) a = device_new (db);
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *text_before = NULL;
  g_autofree char *text_after = NULL;
  g_autofree char *title_before = NULL;
  g_autofree char *title_after = NULL;
  guint status = 0;

  fb_test_server_create_db (server, db, &error);
  g_assert_no_error (error);
  rev = fb_test_server_put_doc (server, db, "odd",
                                "{\"type\": \"notes\", \"title\": \"Lone \\ud800 title\","
                                " \"text\": \"before\\u0000after\\nlow \\udc00 alone\\n"
                                "pair \\ud83d\\ude00 and \\udbff\\udfff end\\\\u0000\\n\","
                                " \"tags\": [\"a\"], \"updated_at\": 5}",
                                &error);
  g_assert_no_error (error);
  before = fb_test_server_request_raw (server, "GET", "foreign-odd-text/odd", NULL, &status,
                                       &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  text_before = raw_member (before, "text");
  title_before = raw_member (before, "title");
  /* The server keeps them as escapes: this is what must come back. */
  g_assert_nonnull (strstr (text_before, "\\u0000after"));
  g_assert_nonnull (strstr (title_before, "\\ud800"));

  s = device_sync (a);
  g_assert_cmpuint (s->pulled, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);

  /* Nothing is cut: the whole text is there to read and search. */
  item = fb_store_get_item (a->store, "odd", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (fb_item_get_text (item), "after"));
  g_assert_nonnull (strstr (fb_item_get_text (item), "end"));
  g_assert_nonnull (strstr (fb_item_get_title (item), "title"));
  g_assert_true (g_utf8_validate (fb_item_get_text (item), -1, NULL));
  g_clear_object (&item);

  set_tags (a, "odd", "b");
  s = device_sync (a);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);

  after = fb_test_server_request_raw (server, "GET", "foreign-odd-text/odd", NULL, &status,
                                      &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  text_after = raw_member (after, "text");
  title_after = raw_member (after, "title");
  g_assert_cmpstr (text_after, ==, text_before);
  g_assert_cmpstr (title_after, ==, title_before);
  g_assert_nonnull (strstr (g_bytes_get_data (after, NULL), "\"tags\":[\"b\"]"));
}

/* ---- The marking itself, without a server ---- */

static void
test_protect_round_trip (void)
{
  static const struct {
    const char *json;
    gboolean    changed;
    const char *sent;   /* what goes back to a server, if not @json */
  } cases[] = {
    { "{\"a\":\"plain text, caf\u00e9 \xc3\xa9\"}", FALSE },
    { "{\"a\":\"x\\u0000y\"}", TRUE },
    { "{\"a\":\"x\\ud800y\"}", TRUE },
    { "{\"a\":\"x\\uDC00\"}", TRUE },
    { "{\"a\":\"\\ud83d\\ude00 pair\"}", FALSE },
    { "{\"a\":\"\\udbff\\udfff\"}", TRUE },
    { "{\"a\":\"\xf4\x8f\xbf\xbf raw\"}", TRUE, "{\"a\":\"\\udbff\\udfff raw\"}" },
    { "{\"a\":\"escaped \\\\u0000 backslash\"}", FALSE },
    { "{\"a\":\"\\ud800\\ud800\\u0000\"}", TRUE },
    { "{\"a\\u0000b\":1}", TRUE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *json = cases[i].json;
      gsize len = 0;
      g_autofree char *marked = fb_json_text_protect (json, strlen (json), &len);
      g_autofree char *back = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;
      gsize back_len = 0;

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, json);
      g_assert_cmpint (marked != NULL, ==, cases[i].changed);
      if (marked == NULL)
        continue;

      /* Valid UTF-8 without NUL, that json-glib reads whole. */
      g_assert_cmpuint (len, ==, strlen (marked));
      g_assert_true (g_utf8_validate (marked, -1, NULL));
      node = json_from_string (marked, &error);
      g_assert_no_error (error);

      back = fb_json_text_unprotect (marked, len, &back_len);
      g_assert_nonnull (back);
      g_assert_cmpuint (back_len, ==, strlen (back));
      /* The same code units; escapes are written in lower case. */
      {
        g_autofree char *expected = g_ascii_strdown (cases[i].sent != NULL ? cases[i].sent : json,
                                                     -1);
        g_autofree char *actual = g_ascii_strdown (back, -1);

        g_assert_cmpstr (actual, ==, expected);
      }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  server = fb_test_server_start (ADMIN, PASSWORD, &error);
  g_assert_no_error (error);

  g_test_add_func ("/foreign-data/odd-text/marking", test_protect_round_trip);
  g_test_add_func ("/foreign-data/attachments/survive-edit", test_attachments_survive_edit);
  g_test_add_func ("/foreign-data/attachments/survive-merge-and-keep-mine",
                   test_attachments_survive_merge_and_resolution);
  g_test_add_func ("/foreign-data/attachments/keep-both", test_attachments_keep_both);
  g_test_add_func ("/foreign-data/odd-text/round-trip", test_odd_text_round_trip);

  status = g_test_run ();

  fb_test_server_free (server);
  return status;
}
