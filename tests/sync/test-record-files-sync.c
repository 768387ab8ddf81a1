/* test-record-files-sync.c: a record's photo field between two devices through a real server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-record-files-sync"

#include "config.h"

#include <string.h>

#include "fb-attachments.h"
#include "fb-record-files.h"
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
attach (Device     *device,
        const char *id,
        const char *name,
        const char *bytes)
{
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data (g_strdup (bytes), strlen (bytes), g_free);
  g_autoptr(FbAttachment) attached = NULL;
  g_autoptr(GError) error = NULL;

  attached = fb_store_attach_to_field (device->store, id, "Photos", name, "image/jpeg", in, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (attached->name, ==, name);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The field's names, sorted (a set), then the problems, as "a;b|problems". */
static char *
photos_of (Device     *device,
           const char *id,
           JsonObject *template)
{
  g_autoptr(FbItem) item = fb_test_peer_get_item (device, id);
  JsonObject *body = fb_item_get_body (item);
  JsonArray *array = json_object_get_array_member (fb_body_get_object (body, "fields"), "Photos");
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  g_autoptr(GPtrArray) problems = fb_record_body_get_problems (body, template);
  g_autofree char *names = NULL;
  g_autofree char *words = NULL;

  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (sorted, (char *) json_array_get_string_element (array, i));
  g_ptr_array_sort (sorted, compare_strings);
  g_ptr_array_add (sorted, NULL);
  names = g_strjoinv (";", (char **) sorted->pdata);
  g_ptr_array_add (problems, NULL);
  words = g_strjoinv (";", (char **) problems->pdata);
  return g_strdup_printf ("%s|%s", names, words);
}

/* The bytes of @name on @device, as text; NULL when they are not here. */
static char *
bytes_of (Device     *device,
          const char *id,
          const char *name)
{
  g_autoptr(FbAttachment) attachment = fb_store_get_attachment (device->store, id, name, NULL);
  g_autoptr(GFile) file = NULL;
  char *contents = NULL;

  if (attachment == NULL || attachment->sha256 == NULL)
    return NULL;
  file = fb_store_get_attachment_file (device->store, attachment->digest, NULL);
  if (file == NULL || !g_file_load_contents (file, NULL, &contents, NULL, NULL, NULL))
    return NULL;
  return contents;
}

/* A photo attached through the field reaches the other device with its
 * bytes and its name in the field; photos added on both devices merge as
 * a set (no conflict); a rename on one renames it in the field on both. */
static void
test_photo_field_syncs (void)
{
  const char *db = "record-files-sync";
  g_autoptr(Device) a = device_new (db);
  g_autoptr(Device) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(JsonObject) template = fb_template_body_new ("Nest survey");
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(FbItem) template_item = NULL;
  g_autoptr(FbItem) record_item = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *bytes = NULL;
  const char *id;

  fb_test_server_create_db (server, db, &error);
  g_assert_no_error (error);

  json_object_set_boolean_member (fb_template_add_field (template, "Photos", FB_FIELD_PHOTO), "required", TRUE);
  template_item = fb_store_create_item (a->store, FB_COLLECTION_TEMPLATES, template, &error);
  g_assert_no_error (error);
  record = fb_record_body_new_from_template ("Nest 4", fb_item_get_id (template_item), template);
  record_item = fb_store_create_item (a->store, FB_COLLECTION_RECORDS, record, &error);
  g_assert_no_error (error);
  id = fb_item_get_id (record_item);
  attach (a, id, "heron.jpg", "a grey heron at the nest");
  s = device_sync (a);
  g_assert_cmpuint (s->pushed, ==, 2);
  g_clear_pointer (&s, fb_sync_stats_free);

  b = device_new (db);
  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  shown = photos_of (b, id, template);
  g_assert_cmpstr (shown, ==, "heron.jpg|");
  bytes = bytes_of (b, id, "heron.jpg");
  g_assert_cmpstr (bytes, ==, "a grey heron at the nest");

  /* Both add a photo while apart. */
  attach (a, id, "egg.jpg", "three eggs");
  attach (b, id, "chick.jpg", "one chick");
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (b);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (a);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  for (guint i = 0; i < 2; i++)
    {
      Device *device = i == 0 ? a : b;

      g_clear_pointer (&shown, g_free);
      shown = photos_of (device, id, template);
      g_assert_cmpstr (shown, ==, "chick.jpg;egg.jpg;heron.jpg|");
      g_clear_pointer (&bytes, g_free);
      bytes = bytes_of (device, id, i == 0 ? "chick.jpg" : "egg.jpg");
      g_assert_cmpstr (bytes, ==, i == 0 ? "one chick" : "three eggs");
    }

  /* Renamed on b: the field follows on a, the bytes the same. */
  g_assert_true (fb_store_rename_attachment (b->store, id, "heron.jpg", "grey heron.jpg", &error));
  g_assert_no_error (error);
  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_clear_pointer (&shown, g_free);
  shown = photos_of (a, id, template);
  g_assert_cmpstr (shown, ==, "chick.jpg;egg.jpg;grey heron.jpg|");
  g_clear_pointer (&bytes, g_free);
  bytes = bytes_of (a, id, "grey heron.jpg");
  g_assert_cmpstr (bytes, ==, "a grey heron at the nest");
}

/* On database @db (new), a template @template gets a "Photos" field, and a
 * record @title of it is made on @a, synced, and synced to a new device
 * *@b; returns the record's id. */
static char *
photo_record_on_two_devices (const char  *db,
                             const char  *title,
                             JsonObject  *template,
                             Device      *a,
                             Device     **b)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(FbItem) template_item = NULL;
  g_autoptr(FbItem) record_item = NULL;

  fb_test_server_create_db (server, db, &error);
  g_assert_no_error (error);

  fb_template_add_field (template, "Photos", FB_FIELD_PHOTO);
  template_item = fb_store_create_item (a->store, FB_COLLECTION_TEMPLATES, template, &error);
  g_assert_no_error (error);
  record = fb_record_body_new_from_template (title, fb_item_get_id (template_item), template);
  record_item = fb_store_create_item (a->store, FB_COLLECTION_RECORDS, record, &error);
  g_assert_no_error (error);
  fb_sync_stats_free (device_sync (a));
  *b = device_new (db);
  fb_sync_stats_free (device_sync (*b));
  return g_strdup (fb_item_get_id (record_item));
}

/* The same name with other bytes on both devices: the attachments keep
 * both (one renamed "heron (2).jpg"), and the field follows the rename, so
 * both photos are in the field on both devices, without a conflict. */
static void
test_same_name_other_bytes (void)
{
  const char *db = "record-files-same-name";
  g_autoptr(Device) a = device_new (db);
  g_autoptr(Device) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(JsonObject) template = fb_template_body_new ("Nest survey");
  g_autofree char *id = NULL;

  id = photo_record_on_two_devices (db, "Nest 5", template, a, &b);

  /* Apart, each photographs its heron under the camera's one name. */
  attach (a, id, "heron.jpg", "the heron seen from the east");
  attach (b, id, "heron.jpg", "the heron seen from the west");
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (b);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (a);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);

  for (guint i = 0; i < 2; i++)
    {
      Device *device = i == 0 ? a : b;
      g_autofree char *shown = photos_of (device, id, template);
      g_autofree char *first = bytes_of (device, id, "heron.jpg");
      g_autofree char *second = bytes_of (device, id, "heron (2).jpg");
      g_autoptr(GPtrArray) both = g_ptr_array_new ();

      g_assert_cmpstr (shown, ==, "heron (2).jpg;heron.jpg|");
      /* Both photos, each under one of the names, the same on both. */
      g_assert_nonnull (first);
      g_assert_nonnull (second);
      g_ptr_array_add (both, first);
      g_ptr_array_add (both, second);
      g_ptr_array_sort (both, compare_strings);
      g_assert_cmpstr (both->pdata[0], ==, "the heron seen from the east");
      g_assert_cmpstr (both->pdata[1], ==, "the heron seen from the west");
    }
  {
    g_autofree char *on_a = bytes_of (a, id, "heron.jpg");
    g_autofree char *on_b = bytes_of (b, id, "heron.jpg");

    g_assert_cmpstr (on_a, ==, on_b);
  }
}

/* The same, but the record is in conflict too (its title changed on both)
 * and the person keeps theirs: the server's heron.jpg stays, their own
 * photo is renamed beside it, and their field names their own photo (not
 * the server's under the old name). */
static void
test_same_name_keep_mine (void)
{
  const char *db = "record-files-keep-mine";
  g_autoptr(Device) a = device_new (db);
  g_autoptr(Device) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(JsonObject) template = fb_template_body_new ("Nest survey");
  g_autofree char *shown = NULL;
  g_autofree char *own = NULL;
  g_autofree char *server_bytes = NULL;
  g_autofree char *id = NULL;

  id = photo_record_on_two_devices (db, "Nest 6", template, a, &b);

  attach (a, id, "heron.jpg", "the heron seen from the east");
  fb_test_peer_edit (a, id, "title", "Nest 6, east bank");
  attach (b, id, "heron.jpg", "the heron seen from the west");
  fb_test_peer_edit (b, id, "title", "Nest 6, west bank");
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (b);
  g_assert_cmpuint (s->conflicts, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);

  fb_store_resolve_conflict (b->store, id, FB_RESOLVE_KEEP_MINE, NULL, &error);
  g_assert_no_error (error);
  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);

  for (guint i = 0; i < 2; i++)
    {
      Device *device = i == 0 ? a : b;

      g_clear_pointer (&shown, g_free);
      g_clear_pointer (&own, g_free);
      g_clear_pointer (&server_bytes, g_free);
      shown = photos_of (device, id, template);
      g_assert_cmpstr (shown, ==, "heron (2).jpg|");
      own = bytes_of (device, id, "heron (2).jpg");
      g_assert_cmpstr (own, ==, "the heron seen from the west");
      server_bytes = bytes_of (device, id, "heron.jpg");
      g_assert_cmpstr (server_bytes, ==, "the heron seen from the east");
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

  g_test_add_func ("/record-files-sync/photo-field", test_photo_field_syncs);
  g_test_add_func ("/record-files-sync/same-name-other-bytes", test_same_name_other_bytes);
  g_test_add_func ("/record-files-sync/same-name-keep-mine", test_same_name_keep_mine);

  status = g_test_run ();

  fb_test_server_free (server);
  return status;
}
