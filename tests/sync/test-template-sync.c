/* test-template-sync.c: templates and typed records between two devices through a real server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-template-sync"

#include "config.h"

#include "fb-template.h"
#include "fb-test-peer.h"
#include "fb-test-server.h"

#define ADMIN    "admin"
#define PASSWORD "s3cret"

static FbTestServer *server;

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

static void
set_choices (Device     *device,
             const char *id,
             const char *name,
             const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = fb_store_get_item (device->store, id, &error);
  g_autoptr(JsonObject) body = NULL;

  g_assert_no_error (error);
  body = fb_body_copy (fb_item_get_body (item));
  json_object_set_member (fb_body_get_object (body, "fields"), name,
                          fb_field_value_from_text (FB_FIELD_MULTIPLE_CHOICE, text, NULL));
  g_assert_true (fb_store_update_item (device->store, id, body, &error));
  g_assert_no_error (error);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The record's multiple choice "Behaviour", sorted: a set. */
static char *
choices_of (Device     *device,
            const char *id)
{
  g_autoptr(FbItem) item = fb_test_peer_get_item (device, id);
  JsonArray *array = json_object_get_array_member (fb_body_get_object (fb_item_get_body (item), "fields"),
                                                   "Behaviour");
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (sorted, (char *) json_array_get_string_element (array, i));
  g_ptr_array_sort (sorted, compare_strings);
  g_ptr_array_add (sorted, NULL);
  return g_strjoinv (";", (char **) sorted->pdata);
}

/* A template made on one device reaches the other as a template (its own
 * "templates" document), with the records made from it; a multiple
 * choice changed on both devices merges as a set, without a conflict. */
static void
test_template_and_choice_sets (void)
{
  const char *db = "template-sync";
  g_autoptr(Device) a = device_new (db);
  g_autoptr(Device) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(JsonObject) template = fb_template_body_new ("Bird sighting");
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(FbItem) template_item = NULL;
  g_autoptr(FbItem) record_item = NULL;
  g_autoptr(FbItem) found = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autofree char *choices = NULL;
  g_autoptr(JsonObject) changed = NULL;
  JsonObject *field;

  fb_test_server_create_db (server, db, &error);
  g_assert_no_error (error);

  fb_template_add_field (template, "Count", FB_FIELD_INTEGER);
  field = fb_template_add_field (template, "Behaviour", FB_FIELD_MULTIPLE_CHOICE);
  json_object_set_array_member (field, "choices", json_array_new ());
  template_item = fb_store_create_item (a->store, FB_COLLECTION_TEMPLATES, template, &error);
  g_assert_no_error (error);
  record = fb_record_body_new_from_template ("Heron", fb_item_get_id (template_item), template);
  json_object_set_int_member (fb_body_get_object (record, "fields"), "Count", 2);
  record_item = fb_store_create_item (a->store, FB_COLLECTION_RECORDS, record, &error);
  g_assert_no_error (error);
  set_choices (a, fb_item_get_id (record_item), "Behaviour", "feeding;calling");
  s = device_sync (a);
  g_assert_cmpuint (s->pushed, ==, 2);
  g_clear_pointer (&s, fb_sync_stats_free);

  /* On the server: a document of its own type. */
  doc = fb_test_server_get_doc (server, db, fb_item_get_id (template_item), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "type"), ==, "templates");
  g_assert_cmpstr (json_object_get_string_member (doc, "title"), ==, "Bird sighting");

  b = device_new (db);
  s = device_sync (b);
  g_assert_cmpuint (s->pulled, ==, 2);
  /* Its notification: two items, a record and a template. */
  g_assert_cmpuint (b->n_remote_changes, ==, 2);
  g_assert_cmpuint (b->n_remote_records, ==, 1);
  g_assert_cmpuint (b->n_remote_notes, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  found = fb_store_find_template (b->store, "bird sighting", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_item_get_id (found), ==, fb_item_get_id (template_item));
  g_assert_cmpuint (fb_template_get_n_fields (fb_item_get_body (found)), ==, 2);

  /* Both change the set: a adds "flying", b drops "feeding" and adds "nesting". */
  set_choices (a, fb_item_get_id (record_item), "Behaviour", "feeding;calling;flying");
  set_choices (b, fb_item_get_id (record_item), "Behaviour", "calling;nesting");
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (b);
  g_assert_cmpuint (s->merged, ==, 1);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);

  choices = choices_of (a, fb_item_get_id (record_item));
  g_assert_cmpstr (choices, ==, "calling;flying;nesting");
  g_clear_pointer (&choices, g_free);
  choices = choices_of (b, fb_item_get_id (record_item));
  g_assert_cmpstr (choices, ==, "calling;flying;nesting");
  g_assert_cmpuint (fb_store_get_conflict_count (a->store), ==, 0);
  g_assert_cmpuint (fb_store_get_pending_count (b->store), ==, 0);

  /* The template changes on b; a gets it, and the record keeps its value
   * of the removed field. */
  changed = fb_body_copy (fb_item_get_body (found));
  json_array_remove_element (fb_body_get_array (changed, "fields"), 0);
  g_assert_true (fb_store_update_item (b->store, fb_item_get_id (found), changed, &error));
  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_clear_object (&found);
  found = fb_test_peer_get_item (a, fb_item_get_id (template_item));
  g_assert_cmpuint (fb_template_get_n_fields (fb_item_get_body (found)), ==, 1);
  {
    g_autoptr(FbItem) kept = fb_test_peer_get_item (a, fb_item_get_id (record_item));
    g_autoptr(GPtrArray) problems = fb_record_body_get_problems (fb_item_get_body (kept),
                                                                 fb_item_get_body (found));
    g_autoptr(GPtrArray) names = fb_record_body_get_form_names (fb_item_get_body (kept),
                                                                fb_item_get_body (found));

    g_assert_cmpint (json_object_get_int_member (fb_body_get_object (fb_item_get_body (kept), "fields"),
                                                 "Count"), ==, 2);
    /* Now an extra field, after the template's. */
    g_assert_cmpuint (names->len, ==, 2);
    g_assert_cmpstr (g_ptr_array_index (names, 1), ==, "Count");
    g_assert_cmpuint (problems->len, ==, 0);
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

  g_test_add_func ("/template-sync/templates-and-choice-sets", test_template_and_choice_sets);

  status = g_test_run ();

  fb_test_server_free (server);
  return status;
}
