/* test-cli-notes.c: --show, --new-note and --append, run as a script runs the real fieldbook */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-cli-notes"

#include "config.h"

#include <string.h>

#include "fb-cli.h"
#include "fb-store.h"
#include "fb-template.h"
#include "fb-test-cli.h"
#include "fb-test-dir.h"
#include "fb-test-disk.h"

#define ADMIN    "admin"
#define PASSWORD "s3cret"

static FbTestServer *server;

/* ---- The real program, with standard input ----
 *
 * `fieldbook` itself (FB_TEST_FIELDBOOK), so that the option parser is
 * the one a script meets (--new-note=TITLE, --tag given twice), and a
 * script's standard input. */

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs fieldbook with the data dir @home, FIELDBOOK_PASSWORD @password
 * (nullable), @input (@length bytes; -1: a string) on its standard input
 * and the arguments @ap. */
static void
run_fieldbook_valist (Run        *run,
                      const char *home,
                      const char *password,
                      const char *input,
                      gssize      length,
                      va_list     ap)
{
  const char *program = g_getenv ("FB_TEST_FIELDBOOK");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GBytes) in = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;

  g_assert_nonnull (program);
  g_ptr_array_add (argv, (gpointer) program);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  if (password != NULL)
    g_subprocess_launcher_setenv (launcher, "FIELDBOOK_PASSWORD", password, TRUE);
  child = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  in = g_bytes_new (input, length < 0 ? strlen (input) : (gsize) length);
  g_subprocess_communicate (child, in, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (child));

  run_clear (run);
  run->status = g_subprocess_get_exit_status (child);
  /* g_strndup (NULL, 0) is NULL: an empty output is "". */
  run->out = g_strdup_printf ("%.*s", (int) g_bytes_get_size (out), (const char *) g_bytes_get_data (out, NULL));
  run->err = g_strdup_printf ("%.*s", (int) g_bytes_get_size (err), (const char *) g_bytes_get_data (err, NULL));
}

/* The same without a password, the arguments after @length. */
static void
run_fieldbook (Run        *run,
               const char *home,
               const char *input,
               gssize      length,
               ...)
{
  va_list ap;

  va_start (ap, length);
  run_fieldbook_valist (run, home, NULL, input, length, ap);
  va_end (ap);
}

static void
run_fieldbook_with_password (Run        *run,
                             const char *home,
                             ...)
{
  va_list ap;

  va_start (ap, home);
  run_fieldbook_valist (run, home, PASSWORD, "", -1, ap);
  va_end (ap);
}

/* The new note's ID is stdout's one line. */
static char *
printed_id (Run *run)
{
  const char *end = strchr (run->out, '\n');

  /* One line, and nothing after it. */
  g_assert_nonnull (end);
  g_assert_cmpstr (end, ==, "\n");
  return g_strndup (run->out, end - run->out);
}

static FbItem *
local_item (const char *home,
            const char *id)
{
  g_autoptr(FbStore) store = fb_test_cli_open_store (home);
  g_autoptr(GError) error = NULL;
  FbItem *item = fb_store_get_item (store, id, &error);

  g_assert_no_error (error);
  return item;
}

static char *
create_item (const char *home,
             const char *collection,
             JsonObject *body)
{
  g_autoptr(FbStore) store = fb_test_cli_open_store (home);
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = fb_store_create_item (store, collection, body, &error);

  g_assert_no_error (error);
  return g_strdup (fb_item_get_id (item));
}

static char *
create_note (const char *home,
             const char *title,
             const char *text)
{
  g_autoptr(JsonObject) body = fb_note_body_new (title, text);

  return create_item (home, FB_COLLECTION_NOTES, body);
}

static void
delete_item (const char *home,
             const char *id)
{
  g_autoptr(FbStore) store = fb_test_cli_open_store (home);
  g_autoptr(GError) error = NULL;

  fb_store_delete_item (store, id, &error);
  g_assert_no_error (error);
}

static void
assert_tags (FbItem             *item,
             const char * const *expected)
{
  JsonArray *tags = fb_body_get_array (fb_item_get_body (item), "tags");

  g_assert_nonnull (tags);
  g_assert_cmpuint (json_array_get_length (tags), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (json_array_get_string_element (tags, i), ==, expected[i]);
}

/* --sync of @home with database @db, by the real program: its status. */
static int
sync_status (const char *home,
             const char *db)
{
  g_auto(Run) run = { 0, };

  run_fieldbook_with_password (&run, home, "--sync", "--server", fb_test_server_get_url (server),
                               "--database", db, "--user", ADMIN, NULL);
  return run.status;
}

/* ---- Tests ---- */

/* A note from standard input, tagged, pending, and its ID the only thing
 * printed; empty input is an empty note; --tag twice is two tags, for
 * --new-note and --tag's search alike. */
static void
test_new_note (void)
{
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *id = NULL;
  g_autofree char *empty_id = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(FbItem) empty = NULL;
  g_auto(Run) run = { 0, };
  const char * const weir_tags[] = { "birds", "river walk", NULL };
  const char * const no_tags[] = { NULL };

  run_fieldbook (&run, home, "14:05 heron at the weir\n", -1,
                 "--new-note=Weir", "--tag", "birds", "--tag", " river walk ", "--tag", "Birds", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  id = printed_id (&run);
  g_assert_true (g_uuid_string_is_valid (id));

  item = local_item (home, id);
  g_assert_cmpstr (fb_item_get_collection (item), ==, FB_COLLECTION_NOTES);
  g_assert_cmpstr (fb_item_get_title (item), ==, "Weir");
  g_assert_cmpstr (fb_item_get_text (item), ==, "14:05 heron at the weir\n");
  /* Stripped and once each, ASCII case ignored, as the tag entry keeps them. */
  assert_tags (item, weir_tags);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_PENDING);

  run_fieldbook (&run, home, "", -1, "--new-note", "Nothing yet", NULL);
  g_assert_cmpint (run.status, ==, 0);
  empty_id = printed_id (&run);
  empty = local_item (home, empty_id);
  g_assert_cmpstr (fb_item_get_title (empty), ==, "Nothing yet");
  g_assert_cmpstr (fb_item_get_text (empty), ==, "");
  assert_tags (empty, no_tags);
  g_assert_cmpuint (fb_test_cli_count_items (home), ==, 2);

  /* --tag twice in a search: the items with both. */
  run_fieldbook (&run, home, "", -1, "--new-note=Birds only", "--tag=birds", NULL);
  g_assert_cmpint (run.status, ==, 0);
  run_fieldbook (&run, home, "", -1, "--tag", "birds", "--tag", "river walk", NULL);
  g_assert_cmpint (run.status, ==, 0);
  expected = g_strdup_printf ("%s\tWeir\n", id);
  g_assert_cmpstr (run.out, ==, expected);

  fb_test_remove_tree (home);
}

/* Input that is not text, a title of two lines and a tag that is not a
 * name: a message, status 1, and nothing made. */
static void
test_new_note_bad_input (void)
{
  g_autofree char *home = fb_test_cli_new_home ();
  g_auto(Run) run = { 0, };

  run_fieldbook (&run, home, "heron\n\xff\xfe weir\n", -1, "--new-note=Weir", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_cmpstr (run.err, ==,
                   "Could not make the note “Weir”: standard input is not UTF-8 text (line 2). Nothing was saved.\n");
  g_assert_cmpuint (fb_test_cli_count_items (home), ==, 0);

  run_fieldbook (&run, home, "heron\nat the\0weir\n", 17, "--new-note=Weir", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_cmpstr (run.err, ==,
                   "Could not make the note “Weir”: standard input holds a NUL byte on line 2, "
                   "and a note holds text only. Nothing was saved.\n");
  g_assert_cmpuint (fb_test_cli_count_items (home), ==, 0);

  run_fieldbook (&run, home, "text\n", -1, "--new-note=Weir\nand more", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (g_str_has_suffix (run.err, ": a title is one line. Nothing was saved.\n"));

  run_fieldbook (&run, home, "text\n", -1, "--new-note=Weir", "--tag", "say \"hi\"", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.err, ==, "Could not make the note “Weir”: --tag needs a tag name without quotes, "
                                "tabs or line breaks. Nothing was saved.\n");
  g_assert_cmpuint (fb_test_cli_count_items (home), ==, 0);

  fb_test_remove_tree (home);
}

/* A note as a person reads it; a record's fields in its template's order
 * with their values as --export-csv writes them; a template's fields; an
 * unknown item and one in the Trash: a message and status 1. */
static void
test_show (void)
{
  g_autofree char *home = fb_test_cli_new_home ();
  g_autoptr(JsonObject) note = fb_note_body_new ("Weir\tnorth", "# Herons\n\n- two *grey* herons\n- one egret");
  g_autoptr(JsonObject) template = fb_template_body_new ("Bird sighting");
  g_autoptr(JsonObject) record = NULL;
  g_autofree char *note_id = NULL;
  g_autofree char *template_id = NULL;
  g_autofree char *record_id = NULL;
  g_autofree char *bare_id = NULL;
  g_autofree char *gone_id = NULL;
  g_autofree char *expected = NULL;
  g_auto(Run) run = { 0, };
  JsonObject *fields;
  JsonArray *order;
  JsonArray *tags;

  tags = fb_body_get_array (note, "tags");
  json_array_add_string_element (tags, "birds");
  json_array_add_string_element (tags, "river walk");
  note_id = create_item (home, FB_COLLECTION_NOTES, note);

  run_fieldbook (&run, home, "", -1, "--show", note_id, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  /* The title on one line, the Markdown as stored (given a last line
   * break), the tags. */
  g_assert_cmpstr (run.out, ==,
                   "Weir north\n\n# Herons\n\n- two *grey* herons\n- one egret\n\nTags: birds, river walk\n");

  fb_template_add_field (template, "Species", FB_FIELD_TEXT);
  fb_template_add_field (template, "Count", FB_FIELD_INTEGER);
  fb_template_add_field (template, "Seen", FB_FIELD_DATE_TIME);
  fb_template_add_field (template, "Ages", FB_FIELD_MULTIPLE_CHOICE);
  fb_template_add_field (template, "Ringed", FB_FIELD_YES_NO);
  fb_template_add_field (template, "Length", FB_FIELD_DECIMAL);
  template_id = create_item (home, FB_COLLECTION_TEMPLATES, template);

  record = fb_record_body_new_from_template ("Heron at the weir", template_id, template);
  fields = fb_body_get_object (record, "fields");
  /* Set in another order than the template's: the template's wins. */
  json_object_set_double_member (fields, "Length", 94.5);
  json_object_set_string_member (fields, "Species", "Grey heron");
  json_object_set_int_member (fields, "Count", 3);
  json_object_set_string_member (fields, "Seen", "2026-12-02T07:05");
  json_object_set_member (fields, "Ages", fb_field_value_from_text (FB_FIELD_MULTIPLE_CHOICE,
                                                                    "adult;juvenile", NULL));
  /* A field the template does not have, after the template's (first in
   * the record's own order), its second line indented so that it is not
   * read as a field of its own. */
  json_object_set_string_member (fields, "Weather", "rain\nWind: west");
  order = json_array_new ();
  json_array_add_string_element (order, "Weather");
  json_array_add_string_element (order, "Length");
  json_array_add_string_element (order, "Species");
  json_object_set_array_member (record, "order", order);
  record_id = create_item (home, FB_COLLECTION_RECORDS, record);

  run_fieldbook (&run, home, "", -1, "--show", record_id, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpstr (run.out, ==,
                   "Heron at the weir\n\n"
                   "Species: Grey heron\n"
                   "Count: 3\n"
                   "Seen: 2026-12-02T07:05\n"
                   "Ages: adult;juvenile\n"
                   "Ringed: no\n"
                   "Length: 94.5\n"
                   "Weather: rain\n"
                   "  Wind: west\n");

  /* The same values as --export-csv's row. */
  run_fieldbook (&run, home, "", -1, "--export-csv", "Bird sighting", "-", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==,
                   "Title,Species,Count,Seen,Ages,Ringed,Length,Weather\r\n"
                   "Heron at the weir,Grey heron,3,2026-12-02T07:05,adult;juvenile,no,94.5,\"rain\nWind: west\"\r\n");

  run_fieldbook (&run, home, "", -1, "--show", template_id, NULL);
  g_assert_cmpint (run.status, ==, 0);
  /* Each field with its type, as the template window names it. */
  g_assert_cmpstr (run.out, ==,
                   "Bird sighting\n\n"
                   "Species: Text\n"
                   "Count: Whole Number\n"
                   "Seen: Date and Time\n"
                   "Ages: Multiple Choice\n"
                   "Ringed: Yes or No\n"
                   "Length: Decimal Number\n");

  /* Nothing but a title: the title and the blank line. */
  bare_id = create_note (home, "", "");
  run_fieldbook (&run, home, "", -1, "--show", bare_id, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "Untitled\n\n");

  run_fieldbook (&run, home, "", -1, "--show", "no-such-item", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_cmpstr (run.err, ==, "Could not show “no-such-item”: The item “no-such-item” does not exist\n");

  gone_id = create_note (home, "Gone", "away\n");
  delete_item (home, gone_id);
  run_fieldbook (&run, home, "", -1, "--show", gone_id, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.out, ==, "");
  expected = g_strdup_printf ("Could not show “%s”: it is in the Trash (--restore %s brings it back)\n",
                              gone_id, gone_id);
  g_assert_cmpstr (run.err, ==, expected);

  run_fieldbook (&run, home, "", -1, "--show", note_id, "--tag", "birds", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_cmpstr (run.err, ==, "--tag goes with --new-note, --search or --list, not with --show or --append\n");

  fb_test_remove_tree (home);
}

/* Standard input goes on a line of its own at the end of the text, never
 * joined to the last one; empty input adds nothing and is no edit. */
static void
test_append (void)
{
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *id = create_note (home, "Weir", "milk\neggs");
  g_autofree char *empty_id = create_note (home, "Empty", "");
  g_autofree char *expected = g_strdup_printf ("%s\n", id);
  g_autoptr(FbItem) item = NULL;
  g_auto(Run) run = { 0, };
  gint64 seq;

  run_fieldbook (&run, home, "14:05 heron at the weir\n", -1, "--append", id, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, expected);
  g_assert_cmpstr (run.err, ==, "");
  item = local_item (home, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "milk\neggs\n14:05 heron at the weir\n");

  /* Without a last line break: kept as it came, and the next one still
   * starts a line. */
  run_fieldbook (&run, home, "14:07 egret", -1, "--append", id, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_clear_object (&item);
  item = local_item (home, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "milk\neggs\n14:05 heron at the weir\n14:07 egret");
  seq = fb_item_get_local_seq (item);

  /* Empty input: nothing added (not even a line break), no edit to push. */
  run_fieldbook (&run, home, "", -1, "--append", id, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, expected);
  g_clear_object (&item);
  item = local_item (home, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "milk\neggs\n14:05 heron at the weir\n14:07 egret");
  g_assert_cmpint (fb_item_get_local_seq (item), ==, seq);

  run_fieldbook (&run, home, "14:09 kingfisher\n", -1, "--append", id, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_clear_object (&item);
  item = local_item (home, id);
  g_assert_cmpstr (fb_item_get_text (item), ==,
                   "milk\neggs\n14:05 heron at the weir\n14:07 egret\n14:09 kingfisher\n");

  /* An empty note takes the input as its text, no blank line first. */
  run_fieldbook (&run, home, "first line\n", -1, "--append", empty_id, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_clear_object (&item);
  item = local_item (home, empty_id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "first line\n");

  fb_test_remove_tree (home);
}

/* A record, a template, an unknown ID, an item in the Trash and input
 * that is not text: a message, status 1, and nothing changed. */
static void
test_append_refused (void)
{
  g_autofree char *home = fb_test_cli_new_home ();
  g_autoptr(JsonObject) template = fb_template_body_new ("Bird sighting");
  g_autoptr(JsonObject) record = fb_record_body_new ("Heron");
  g_autofree char *note_id = create_note (home, "Weir", "milk\n");
  g_autofree char *gone_id = create_note (home, "Gone", "away\n");
  g_autofree char *record_id = create_item (home, FB_COLLECTION_RECORDS, record);
  g_autofree char *template_id = create_item (home, FB_COLLECTION_TEMPLATES, template);
  g_autofree char *expected = NULL;
  g_autoptr(FbItem) before = NULL;
  g_autoptr(FbItem) after = NULL;
  g_auto(Run) run = { 0, };

  delete_item (home, gone_id);

  run_fieldbook (&run, home, "heron\n", -1, "--append", record_id, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.out, ==, "");
  expected = g_strdup_printf ("Could not add to “%s”: it is a record, and only a note has a text to add to. "
                              "Nothing was changed.\n", record_id);
  g_assert_cmpstr (run.err, ==, expected);
  after = local_item (home, record_id);
  g_assert_false (json_object_has_member (fb_item_get_body (after), "text"));
  g_clear_object (&after);

  run_fieldbook (&run, home, "heron\n", -1, "--append", template_id, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, ": it is a template, and only a note has a text to add to. Nothing was changed.\n"));

  run_fieldbook (&run, home, "heron\n", -1, "--append", "no-such-item", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_cmpstr (run.err, ==, "Could not add to “no-such-item”: The item “no-such-item” does not exist. "
                                "Nothing was changed.\n");

  before = local_item (home, gone_id);
  run_fieldbook (&run, home, "heron\n", -1, "--append", gone_id, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Could not add to “%s”: it is in the Trash (--restore %s brings it back). "
                              "Nothing was changed.\n", gone_id, gone_id);
  g_assert_cmpstr (run.err, ==, expected);
  after = local_item (home, gone_id);
  g_assert_true (fb_item_get_deleted (after));
  g_assert_cmpstr (fb_item_get_text (after), ==, "away\n");
  g_assert_cmpint (fb_item_get_local_seq (after), ==, fb_item_get_local_seq (before));
  g_clear_object (&after);

  run_fieldbook (&run, home, "ok\nbad \xc3\x28\n", -1, "--append", note_id, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.out, ==, "");
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Could not add to “%s”: standard input is not UTF-8 text (line 2). "
                              "Nothing was changed.\n", note_id);
  g_assert_cmpstr (run.err, ==, expected);
  run_fieldbook (&run, home, "ok\0", 3, "--append", note_id, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "standard input holds a NUL byte on line 1"));
  after = local_item (home, note_id);
  g_assert_cmpstr (fb_item_get_text (after), ==, "milk\n");

  fb_test_remove_tree (home);
}

/* A database that can only be read: --show works; --new-note and
 * --append say why, exit with 4 and change nothing. */
static void
test_read_only (void)
{
  g_autofree char *disk = fb_test_disk_new (2 * 1024 * 1024);
  g_autofree char *data = NULL;
  g_autofree char *note_id = NULL;
  g_auto(Run) run = { 0, };

  if (disk == NULL)
    return;
  data = g_build_filename (disk, "fieldbook", NULL);
  note_id = create_note (disk, "Weir", "milk\n");

  if (fb_test_set_immutable (data, TRUE))
    {
      g_autoptr(FbItem) item = NULL;

      run_fieldbook (&run, disk, "", -1, "--show", note_id, NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_cmpstr (run.out, ==, "Weir\n\nmilk\n");

      run_fieldbook (&run, disk, "heron\n", -1, "--new-note=Heron", NULL);
      g_assert_cmpint (run.status, ==, FB_CLI_EXIT_READ_ONLY);
      g_assert_cmpstr (run.out, ==, "");
      g_assert_true (g_pattern_match_simple ("Could not make the note “Heron”: The database file * "
                                             "cannot be written to: *. Nothing was saved.\n", run.err));

      run_fieldbook (&run, disk, "heron\n", -1, "--append", note_id, NULL);
      g_assert_cmpint (run.status, ==, FB_CLI_EXIT_READ_ONLY);
      g_assert_cmpstr (run.out, ==, "");
      g_assert_true (g_pattern_match_simple ("Could not add to “*”: The database file * "
                                             "cannot be written to: *. Nothing was changed.\n", run.err));

      fb_test_set_immutable (data, FALSE);
      g_assert_cmpuint (fb_test_cli_count_items (disk), ==, 1);
      item = local_item (disk, note_id);
      g_assert_cmpstr (fb_item_get_text (item), ==, "milk\n");
    }

  fb_test_remove_tree (data);
  fb_test_disk_free (g_steal_pointer (&disk));
}

/* The next --sync sends what --new-note and --append wrote. */
static void
test_sync (void)
{
  const char *db = "cli-notes-sync";
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *id = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_auto(Run) run = { 0, };
  JsonArray *tags;

  run_fieldbook (&run, home, "14:05 heron at the weir\n", -1, "--new-note=Weir", "--tag", "birds", NULL);
  g_assert_cmpint (run.status, ==, 0);
  id = printed_id (&run);
  g_assert_cmpint (sync_status (home, db), ==, 0);

  doc = fb_test_server_get_doc (server, db, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "type"), ==, FB_COLLECTION_NOTES);
  g_assert_cmpstr (json_object_get_string_member (doc, "title"), ==, "Weir");
  g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "14:05 heron at the weir\n");
  tags = json_object_get_array_member (doc, "tags");
  g_assert_cmpuint (json_array_get_length (tags), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (tags, 0), ==, "birds");
  g_clear_pointer (&doc, json_object_unref);

  run_fieldbook (&run, home, "14:20 gone upstream\n", -1, "--append", id, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpint (sync_status (home, db), ==, 0);
  doc = fb_test_server_get_doc (server, db, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==,
                   "14:05 heron at the weir\n14:20 gone upstream\n");

  fb_test_remove_tree (home);
}

/* An item in conflict: --show prints this device's version and says so
 * on stderr; --append adds to this device's version, as typing in the
 * window does, and the conflict stays for the person. */
static void
test_conflict (void)
{
  const char *db = "cli-notes-conflict";
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *id = create_note (home, "Groceries", "milk\neggs\n");
  g_autofree char *expected = g_strdup_printf ("%s\n", id);
  g_autoptr(FbItem) item = NULL;
  g_auto(Run) run = { 0, };

  g_assert_cmpint (sync_status (home, db), ==, 0);
  fb_test_cli_edit_on_server (server, db, id, "text", "oat milk\neggs\n");
  fb_test_cli_edit_locally (home, id, "text", "soy milk\neggs\n");
  g_assert_cmpint (sync_status (home, db), ==, FB_CLI_EXIT_NEW_CONFLICTS);

  run_fieldbook (&run, home, "", -1, "--show", id, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "Groceries\n\nsoy milk\neggs\n");
  g_assert_cmpstr (run.err, ==, "“Groceries” is in conflict: this is your version, and the server has "
                                "another (see fieldbook --conflicts)\n");

  run_fieldbook (&run, home, "bread\n", -1, "--append", id, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, expected);
  g_assert_cmpstr (run.err, ==, "“Groceries” is in conflict: the text was added to your version "
                                "(see fieldbook --conflicts)\n");
  item = local_item (home, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_CONFLICT);
  g_assert_cmpstr (fb_item_get_text (item), ==, "soy milk\neggs\nbread\n");
  g_assert_cmpstr (fb_body_get_string (fb_item_get_server_body (item), "text"), ==, "oat milk\neggs\n");

  fb_test_remove_tree (home);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  fb_test_cli_init (&argc, &argv);
  if (!g_test_subprocess ())
    {
      server = fb_test_server_start (ADMIN, PASSWORD, &error);
      g_assert_no_error (error);
    }

  g_test_add_func ("/cli/notes/new-note", test_new_note);
  g_test_add_func ("/cli/notes/new-note-bad-input", test_new_note_bad_input);
  g_test_add_func ("/cli/notes/show", test_show);
  g_test_add_func ("/cli/notes/append", test_append);
  g_test_add_func ("/cli/notes/append-refused", test_append_refused);
  g_test_add_func ("/cli/notes/read-only", test_read_only);
  g_test_add_func ("/cli/notes/sync", test_sync);
  g_test_add_func ("/cli/notes/conflict", test_conflict);

  status = g_test_run ();

  g_clear_pointer (&server, fb_test_server_free);
  fb_test_cli_cleanup ();
  return status;
}
