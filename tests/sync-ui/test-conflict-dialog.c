/* test-conflict-dialog.c: the conflict resolver with real stores, managers and server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-conflict-dialog"

#include "config.h"

#include "fb-attachment-strip.h"
#include "fb-attachments.h"
#include "fb-conflict-dialog.h"
#include "fb-test-store.h"
#include "sync-ui-test-util.h"

#define ADMIN    "admin"
#define PASSWORD "s3cret"

static FbTestServer *server;

typedef struct {
  GtkWindow        *parent;
  FbConflictDialog *dialog;
} Shown;

static Shown
show_dialog (FbStore *store)
{
  Shown shown;

  shown.parent = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (shown.parent, 800, 600);
  gtk_window_present (shown.parent);
  shown.dialog = FB_CONFLICT_DIALOG (fb_conflict_dialog_new (shown.parent, store));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (shown.dialog)) == shown.parent);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (shown.dialog)));
  gtk_window_present (GTK_WINDOW (shown.dialog));
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (shown.dialog)));
  return shown;
}

static void
hide_dialog (Shown *shown)
{
  if (shown->dialog != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (shown->dialog), (gpointer *) &shown->dialog);
      gtk_window_destroy (GTK_WINDOW (shown->dialog));
    }
  gtk_window_destroy (shown->parent);
  fb_test_drain_main_context ();
  g_assert_null (shown->dialog);
}

static gpointer
part (Shown      *shown,
      const char *name)
{
  return fb_test_template_child (shown->dialog, FB_TYPE_CONFLICT_DIALOG, name);
}

static const char *
position (Shown *shown)
{
  return adw_window_title_get_subtitle (part (shown, "window_title"));
}

static gboolean
showing_done (Shown *shown)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (part (shown, "stack")), "done") == 0;
}

/* The cell showing @text on one side (mine: column 0, server: column 1). */
static GtkWidget *
find_cell (Shown      *shown,
           const char *text,
           gboolean    server_side)
{
  GtkWidget *grid = part (shown, "grid");

  for (GtkWidget *child = gtk_widget_get_first_child (grid);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int column, row, width, height;

      if (!GTK_IS_LABEL (child) || g_strcmp0 (gtk_label_get_label (GTK_LABEL (child)), text) != 0)
        continue;
      gtk_grid_query_child (GTK_GRID (grid), child, &column, &row, &width, &height);
      if (column == (server_side ? 1 : 0))
        return child;
    }
  return NULL;
}

static int
row_of (Shown     *shown,
        GtkWidget *cell)
{
  int column, row, width, height;

  g_assert_nonnull (cell);
  gtk_grid_query_child (GTK_GRID (part (shown, "grid")), cell, &column, &row, &width, &height);
  return row;
}

/* The label at @row, @column of the grid (NULL if none). */
static GtkWidget *
cell_at (Shown *shown,
         int    column,
         int    row)
{
  return gtk_grid_get_child_at (GTK_GRID (part (shown, "grid")), column, row);
}

static gboolean
differs (GtkWidget *cell)
{
  g_assert_nonnull (cell);
  return gtk_widget_has_css_class (cell, "differs");
}

/* ---- Conflicts made by the store alone (for layout) ---- */

static char *
note_in_conflict (Peer       *peer,
                  const char *title,
                  const char *mine_text,
                  const char *server_text,
                  gboolean    server_deleted)
{
  g_autoptr(JsonObject) server_body = fb_note_body_new (title, server_text);
  g_autoptr(GError) error = NULL;
  char *id = fb_test_peer_create_note (peer, title, mine_text);

  g_assert_true (fb_store_set_conflict (peer->store, id, "2-0123456789abcdef", server_body,
                                        server_deleted, &error));
  g_assert_no_error (error);
  return id;
}

static void
test_line_alignment (void)
{
  g_autoptr(Peer) peer = peer_new (NULL, NULL, NULL, NULL, FALSE);
  g_autofree char *id = note_in_conflict (peer, "Route",
                                          "start\nleft at the oak\nbridge\nfinish",
                                          "start\nright at the oak\nbridge\nfinish\nrest",
                                          FALSE);
  Shown shown = show_dialog (peer->store);
  GtkWidget *mine_changed, *server_changed, *rest;

  g_assert_cmpstr (position (&shown), ==, "1 of 1");
  g_assert_cmpstr (fb_conflict_dialog_get_current_id (shown.dialog), ==, id);
  g_assert_true (fb_test_is_shown (fb_test_find_label (GTK_WIDGET (shown.dialog), "Your version")));
  g_assert_true (fb_test_is_shown (fb_test_find_label (GTK_WIDGET (shown.dialog),
                                                       "Server version")));
  g_assert_true (fb_test_is_shown (part (&shown, "summary_label")));
  g_assert_cmpstr (gtk_label_get_label (part (&shown, "summary_label")), ==,
                   "“Route” was changed on this device and on the server. Choose which version to keep.");

  /* Equal lines sit side by side, unhighlighted. */
  g_assert_cmpint (row_of (&shown, find_cell (&shown, "start", FALSE)), ==,
                   row_of (&shown, find_cell (&shown, "start", TRUE)));
  g_assert_false (differs (find_cell (&shown, "start", FALSE)));
  g_assert_false (differs (find_cell (&shown, "bridge", TRUE)));
  g_assert_cmpint (row_of (&shown, find_cell (&shown, "bridge", FALSE)), ==,
                   row_of (&shown, find_cell (&shown, "bridge", TRUE)));

  /* The changed line faces its counterpart, both highlighted. */
  mine_changed = find_cell (&shown, "left at the oak", FALSE);
  server_changed = find_cell (&shown, "right at the oak", TRUE);
  g_assert_true (fb_test_is_shown (mine_changed));
  g_assert_true (differs (mine_changed));
  g_assert_true (differs (server_changed));
  g_assert_cmpint (row_of (&shown, mine_changed), ==, row_of (&shown, server_changed));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (mine_changed),
                                       GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Differs from the server version");

  /* A line only the server has: an empty, marked place on my side. */
  rest = find_cell (&shown, "rest", TRUE);
  g_assert_true (differs (rest));
  g_assert_true (gtk_widget_has_css_class (cell_at (&shown, 0, row_of (&shown, rest)), "missing"));

  /* Titles are equal. */
  g_assert_false (differs (find_cell (&shown, "Route", FALSE)));

  /* Nothing is lost with Keep Both: it has the focus. */
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (shown.dialog)) == part (&shown, "keep_both_button"));
  g_assert_true (gtk_widget_is_sensitive (part (&shown, "keep_both_button")));

  hide_dialog (&shown);
}

static void
test_record_fields (void)
{
  g_autoptr(Peer) peer = peer_new (NULL, NULL, NULL, NULL, FALSE);
  g_autoptr(JsonObject) mine = fb_record_body_new ("Sample 12");
  g_autoptr(JsonObject) theirs = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *fields;
  JsonArray *order;
  Shown shown;

  fields = json_object_get_object_member (mine, "fields");
  order = json_object_get_array_member (mine, "order");
  json_object_set_string_member (fields, "Site", "North meadow");
  json_object_set_string_member (fields, "Depth", "12 cm");
  json_array_add_string_element (order, "Site");
  json_array_add_string_element (order, "Depth");
  theirs = fb_body_copy (mine);
  json_object_set_string_member (json_object_get_object_member (theirs, "fields"), "Depth", "14 cm");
  json_object_set_string_member (json_object_get_object_member (theirs, "fields"), "Soil", "Clay");

  item = fb_store_create_item (peer->store, FB_COLLECTION_RECORDS, mine, &error);
  g_assert_no_error (error);
  g_assert_true (fb_store_set_conflict (peer->store, fb_item_get_id (item), "2-abc", theirs,
                                        FALSE, &error));
  g_assert_no_error (error);

  shown = show_dialog (peer->store);

  /* Fields line up by name; only Depth differs; Soil is only on the server. */
  g_assert_cmpint (row_of (&shown, find_cell (&shown, "North meadow", FALSE)), ==,
                   row_of (&shown, find_cell (&shown, "North meadow", TRUE)));
  g_assert_false (differs (find_cell (&shown, "North meadow", TRUE)));
  g_assert_cmpint (row_of (&shown, find_cell (&shown, "12 cm", FALSE)), ==,
                   row_of (&shown, find_cell (&shown, "14 cm", TRUE)));
  g_assert_true (differs (find_cell (&shown, "12 cm", FALSE)));
  g_assert_true (differs (find_cell (&shown, "14 cm", TRUE)));
  g_assert_true (gtk_widget_has_css_class (cell_at (&shown, 0, row_of (&shown, find_cell (&shown, "Clay", TRUE))),
                                           "missing"));
  /* Each value sits under its field's name. */
  g_assert_nonnull (find_cell (&shown, "Depth", FALSE));
  g_assert_cmpint (row_of (&shown, find_cell (&shown, "Depth", FALSE)) + 1, ==,
                   row_of (&shown, find_cell (&shown, "12 cm", FALSE)));

  hide_dialog (&shown);
}

static void
test_deleted_on_server (void)
{
  g_autoptr(Peer) peer = peer_new (NULL, NULL, NULL, NULL, FALSE);
  g_autofree char *id = note_in_conflict (peer, "Gone", "I edited this", "", TRUE);
  Shown shown = show_dialog (peer->store);

  g_assert_true (fb_test_is_shown (fb_test_find_label (GTK_WIDGET (shown.dialog),
                                                       "Deleted on the server")));
  g_assert_null (fb_test_find_label (GTK_WIDGET (shown.dialog), "You deleted this item"));
  g_assert_true (fb_test_is_shown (find_cell (&shown, "I edited this", FALSE)));
  g_assert_cmpstr (gtk_label_get_label (part (&shown, "summary_label")), ==,
                   "“Gone” was deleted on the server, and you changed it on this device.");
  /* Keeping both makes no sense when one side is gone. */
  g_assert_false (gtk_widget_is_sensitive (part (&shown, "keep_both_button")));
  g_assert_true (gtk_widget_is_sensitive (part (&shown, "keep_mine_button")));

  gtk_widget_activate_action (GTK_WIDGET (shown.dialog), "conflict.keep-mine", NULL);
  WAIT_FOR (showing_done (&shown));
  g_assert_cmpuint (fb_store_get_conflict_count (peer->store), ==, 0);
  g_assert_true (fb_store_get_item (peer->store, id, NULL) != NULL);

  hide_dialog (&shown);
}

static void
test_deleted_by_me (void)
{
  g_autoptr(Peer) peer = peer_new (NULL, NULL, NULL, NULL, FALSE);
  g_autoptr(JsonObject) server_body = fb_note_body_new ("Kept", "They edited this");
  g_autofree char *id = fb_test_peer_create_note (peer, "Kept", "original");
  g_autoptr(GError) error = NULL;
  Shown shown;

  g_assert_true (fb_store_delete_item (peer->store, id, &error));
  g_assert_true (fb_store_set_conflict (peer->store, id, "3-abc", server_body, FALSE, &error));
  g_assert_no_error (error);

  shown = show_dialog (peer->store);
  g_assert_true (fb_test_is_shown (fb_test_find_label (GTK_WIDGET (shown.dialog),
                                                       "You deleted this item")));
  g_assert_true (fb_test_is_shown (find_cell (&shown, "They edited this", TRUE)));
  g_assert_false (differs (find_cell (&shown, "They edited this", TRUE)));
  g_assert_false (gtk_widget_is_sensitive (part (&shown, "keep_both_button")));

  gtk_widget_activate_action (GTK_WIDGET (shown.dialog), "conflict.use-server", NULL);
  WAIT_FOR (showing_done (&shown));
  g_assert_cmpuint (fb_store_get_conflict_count (peer->store), ==, 0);

  hide_dialog (&shown);
}

static void
test_steps_through (void)
{
  g_autoptr(Peer) peer = peer_new (NULL, NULL, NULL, NULL, FALSE);
  g_autofree char *one = note_in_conflict (peer, "One", "a", "b", FALSE);
  g_autofree char *two = note_in_conflict (peer, "Two", "a", "b", FALSE);
  g_autofree char *three = note_in_conflict (peer, "Three", "a", "b", FALSE);
  g_autofree char *four = NULL;
  Shown shown = show_dialog (peer->store);

  g_assert_cmpstr (position (&shown), ==, "1 of 3");
  g_assert_cmpstr (fb_conflict_dialog_get_current_id (shown.dialog), ==, one);
  g_assert_false (gtk_widget_is_sensitive (part (&shown, "previous_button")));

  gtk_widget_activate_action (GTK_WIDGET (shown.dialog), "conflict.next", NULL);
  g_assert_cmpstr (position (&shown), ==, "2 of 3");
  g_assert_cmpstr (fb_conflict_dialog_get_current_id (shown.dialog), ==, two);
  gtk_widget_activate_action (GTK_WIDGET (shown.dialog), "conflict.previous", NULL);
  g_assert_cmpstr (fb_conflict_dialog_get_current_id (shown.dialog), ==, one);

  /* Each choice moves on to the next one. */
  g_signal_emit_by_name (part (&shown, "use_server_button"), "clicked");
  g_assert_cmpuint (fb_store_get_conflict_count (peer->store), ==, 2);
  g_assert_cmpstr (position (&shown), ==, "2 of 3");
  g_assert_cmpstr (fb_conflict_dialog_get_current_id (shown.dialog), ==, two);

  /* A conflict arriving meanwhile joins the list. */
  four = note_in_conflict (peer, "Four", "a", "b", FALSE);
  WAIT_FOR (g_strcmp0 (position (&shown), "2 of 4") == 0);
  g_assert_cmpstr (fb_conflict_dialog_get_current_id (shown.dialog), ==, two);

  g_signal_emit_by_name (part (&shown, "keep_mine_button"), "clicked");
  g_assert_cmpstr (position (&shown), ==, "3 of 4");
  g_assert_cmpstr (fb_conflict_dialog_get_current_id (shown.dialog), ==, three);
  g_signal_emit_by_name (part (&shown, "keep_both_button"), "clicked");
  g_assert_cmpstr (fb_conflict_dialog_get_current_id (shown.dialog), ==, four);
  g_signal_emit_by_name (part (&shown, "keep_mine_button"), "clicked");

  g_assert_cmpuint (fb_store_get_conflict_count (peer->store), ==, 0);
  g_assert_true (showing_done (&shown));
  WAIT_FOR (fb_test_is_shown (fb_test_find_label (GTK_WIDGET (shown.dialog),
                                                  "All Conflicts Resolved")));
  g_assert_null (fb_conflict_dialog_get_current_id (shown.dialog));

  /* Kept mine, and the server had changed it again meanwhile: it is back,
   * once, and the count still adds up (4 conflicts seen, 3 resolved). */
  {
    g_autoptr(JsonObject) again = fb_note_body_new ("Two", "c");
    g_autoptr(GError) error = NULL;

    g_assert_true (fb_store_set_conflict (peer->store, two, "3-0123456789abcdef", again,
                                          FALSE, &error));
    g_assert_no_error (error);
  }
  WAIT_FOR (g_strcmp0 (position (&shown), "4 of 4") == 0);
  g_assert_cmpstr (fb_conflict_dialog_get_current_id (shown.dialog), ==, two);
  g_signal_emit_by_name (part (&shown, "use_server_button"), "clicked");
  g_assert_true (showing_done (&shown));
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (shown.dialog)) == part (&shown, "close_button"));

  /* Close (and Escape, bound to the same action) closes it. */
  g_object_add_weak_pointer (G_OBJECT (shown.dialog), (gpointer *) &shown.dialog);
  g_signal_emit_by_name (part (&shown, "close_button"), "clicked");
  WAIT_FOR (shown.dialog == NULL);

  hide_dialog (&shown);
}

/* A real conflict through the server, resolved in the dialog; the server
 * ends with the chosen content. */
static void
check_resolution (const char *db,
                  const char *action)
{
  const char *url = fb_test_server_get_url (server);
  g_autoptr(Peer) a = peer_new (url, db, ADMIN, PASSWORD, TRUE);
  g_autoptr(Peer) b = peer_new (url, db, ADMIN, PASSWORD, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autoptr(JsonObject) doc = NULL;
  Shown shown;

  g_assert_true (fb_test_server_create_db (server, db, &error));
  id = make_text_conflict (a, b, "oat milk", "soy milk");

  shown = show_dialog (b->store);
  g_assert_cmpstr (position (&shown), ==, "1 of 1");
  g_assert_true (differs (find_cell (&shown, "oat milk", FALSE)));
  g_assert_true (differs (find_cell (&shown, "soy milk", TRUE)));
  g_assert_false (differs (find_cell (&shown, "bread", FALSE)));
  g_assert_false (differs (find_cell (&shown, "eggs", TRUE)));
  g_assert_cmpint (row_of (&shown, find_cell (&shown, "oat milk", FALSE)), ==,
                   row_of (&shown, find_cell (&shown, "soy milk", TRUE)));

  gtk_widget_activate_action (GTK_WIDGET (shown.dialog), action, NULL);
  WAIT_FOR (showing_done (&shown));
  g_assert_cmpuint (fb_store_get_conflict_count (b->store), ==, 0);
  g_assert_cmpuint (fb_sync_manager_get_conflict_count (b->manager), ==, 0);

  peer_sync (b);
  g_assert_cmpuint (fb_store_get_pending_count (b->store), ==, 0);
  doc = fb_test_server_get_doc (server, db, id, &error);
  g_assert_no_error (error);

  if (g_str_equal (action, "conflict.keep-mine"))
    g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "bread\noat milk\neggs");
  else if (g_str_equal (action, "conflict.use-server"))
    g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "bread\nsoy milk\neggs");
  else
    {
      g_autoptr(GPtrArray) items = fb_store_list_items (b->store, NULL, &error);
      g_autoptr(JsonObject) copy = NULL;
      FbItem *other = NULL;

      g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "bread\nsoy milk\neggs");
      g_assert_cmpuint (items->len, ==, 2);
      for (guint i = 0; i < items->len; i++)
        if (!g_str_equal (fb_item_get_id (items->pdata[i]), id))
          other = items->pdata[i];
      g_assert_nonnull (other);
      copy = fb_test_server_get_doc (server, db, fb_item_get_id (other), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (copy, "text"), ==, "bread\noat milk\neggs");
    }

  hide_dialog (&shown);
}

static void
test_resolve_keep_mine (void)
{
  check_resolution ("dialog-keep-mine", "conflict.keep-mine");
}

static void
test_resolve_use_server (void)
{
  check_resolution ("dialog-use-server", "conflict.use-server");
}

static void
test_resolve_keep_both (void)
{
  check_resolution ("dialog-keep-both", "conflict.keep-both");
}

static void
test_none_left (void)
{
  g_autoptr(Peer) peer = peer_new (NULL, NULL, NULL, NULL, FALSE);
  Shown shown = show_dialog (peer->store);

  g_assert_true (showing_done (&shown));
  g_assert_true (fb_test_is_shown (fb_test_find_label (GTK_WIDGET (shown.dialog),
                                                       "All Conflicts Resolved")));
  g_assert_false (gtk_widget_is_sensitive (part (&shown, "next_button")));

  hide_dialog (&shown);
}

static void
attach_bytes (Peer       *peer,
              const char *id,
              const char *name,
              const char *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data (bytes, -1, NULL);
  g_autoptr(FbAttachment) added = fb_store_add_attachment (peer->store, id, name, "image/jpeg", in,
                                                           NULL, &error);

  g_assert_no_error (error);
}

static char *
attachment_names (JsonObject *doc)
{
  g_autoptr(GPtrArray) list = fb_body_list_attachments (doc);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;

  for (guint i = 0; i < list->len; i++)
    g_strv_builder_add (builder, ((FbAttachment *) list->pdata[i])->name);
  names = g_strv_builder_end (builder);
  return g_strjoinv (",", names);
}

/* Both devices attached photos while the text conflicted: the resolver
 * lists each side's files, marks the one only a side has and the one whose
 * bytes differ; keeping my version still keeps every file either side
 * added (the set merge), on the server too. */
static void
test_attachments (void)
{
  const char *db = "dialog-attachments";
  const char *url = fb_test_server_get_url (server);
  g_autoptr(Peer) a = peer_new (url, db, ADMIN, PASSWORD, TRUE);
  g_autoptr(Peer) b = peer_new (url, db, ADMIN, PASSWORD, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autofree char *id = NULL;
  g_autofree char *names = NULL;
  Shown shown;

  g_assert_true (fb_test_server_create_db (server, db, &error));
  id = fb_test_peer_create_note (a, "Weir", "bread\nmilk\neggs");
  attach_bytes (a, id, "map.jpg", "the same map");
  peer_sync (a);
  peer_sync (b);
  fb_test_peer_edit (a, id, "text", "bread\nsoy milk\neggs");
  attach_bytes (a, id, "nest.jpg", "three eggs");
  peer_sync (a);
  fb_test_peer_edit (b, id, "text", "bread\noat milk\neggs");
  attach_bytes (b, id, "wall.jpg", "a crack");
  peer_sync (b);
  g_assert_cmpuint (fb_store_get_conflict_count (b->store), ==, 1);

  shown = show_dialog (b->store);
  g_assert_true (fb_test_is_shown (find_cell (&shown, "Attachments", FALSE)));
  g_assert_false (differs (find_cell (&shown, "map.jpg (12 bytes)", FALSE)));
  g_assert_false (differs (find_cell (&shown, "map.jpg (12 bytes)", TRUE)));
  g_assert_true (fb_test_is_shown (find_cell (&shown, "wall.jpg (7 bytes)", FALSE)));
  g_assert_true (gtk_widget_has_css_class (cell_at (&shown, 1, row_of (&shown, find_cell (&shown, "wall.jpg (7 bytes)", FALSE))),
                                           "missing"));
  g_assert_true (fb_test_is_shown (find_cell (&shown, "nest.jpg (10 bytes)", TRUE)));
  g_assert_true (gtk_widget_has_css_class (cell_at (&shown, 0, row_of (&shown, find_cell (&shown, "nest.jpg (10 bytes)", TRUE))),
                                           "missing"));

  gtk_widget_activate_action (GTK_WIDGET (shown.dialog), "conflict.keep-mine", NULL);
  WAIT_FOR (showing_done (&shown));
  peer_sync (b);
  doc = fb_test_server_get_doc (server, db, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "bread\noat milk\neggs");
  names = attachment_names (doc);
  g_assert_cmpstr (names, ==, "map.jpg,nest.jpg,wall.jpg");

  hide_dialog (&shown);
}

/* The bytes of attachment @name of @id in @store, as text; NULL when the
 * file is not on the device. */
static char *
local_text (FbStore    *store,
            const char *id,
            const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbAttachment) attachment = fb_store_get_attachment (store, id, name, &error);
  g_autoptr(GFile) file = NULL;
  char *contents = NULL;

  g_assert_no_error (error);
  if (attachment->sha256 == NULL)
    return NULL;
  file = fb_store_get_attachment_file (store, attachment->digest, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_load_contents (file, NULL, &contents, NULL, NULL, &error));
  g_assert_no_error (error);
  return contents;
}

static char *
digest_of (FbStore    *store,
           const char *id,
           const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbAttachment) attachment = fb_store_get_attachment (store, id, name, &error);

  g_assert_no_error (error);
  return g_strdup (attachment->digest);
}

/* Both devices attached a photo of the same name with other bytes while
 * the text conflicted: the resolver marks the two as differing; Keep Mine
 * keeps both files, the server's under the name and mine under a free one
 * (the set merge), as the note's strip then shows and the store, the
 * server and the other device hold. */
static void
test_attachments_same_name (void)
{
  const char *db = "dialog-attachments-same-name";
  const char *url = fb_test_server_get_url (server);
  g_autoptr(Peer) a = peer_new (url, db, ADMIN, PASSWORD, TRUE);
  g_autoptr(Peer) b = peer_new (url, db, ADMIN, PASSWORD, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autofree char *id = NULL;
  g_autofree char *names = NULL;
  g_autofree char *theirs_digest = NULL;
  g_autofree char *mine_digest = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) shown_names = NULL;
  FbAttachmentStrip *strip;
  Shown shown;

  g_assert_true (fb_test_server_create_db (server, db, &error));
  id = fb_test_peer_create_note (a, "Weir", "bread\nmilk\neggs");
  peer_sync (a);
  peer_sync (b);
  fb_test_peer_edit (a, id, "text", "bread\nsoy milk\neggs");
  attach_bytes (a, id, "nest.jpg", "three eggs");
  theirs_digest = digest_of (a->store, id, "nest.jpg");
  peer_sync (a);
  fb_test_peer_edit (b, id, "text", "bread\noat milk\neggs");
  attach_bytes (b, id, "nest.jpg", "two eggs");
  mine_digest = digest_of (b->store, id, "nest.jpg");
  peer_sync (b);
  g_assert_cmpuint (fb_store_get_conflict_count (b->store), ==, 1);

  shown = show_dialog (b->store);
  g_assert_true (differs (find_cell (&shown, "nest.jpg (8 bytes)", FALSE)));
  g_assert_true (differs (find_cell (&shown, "nest.jpg (10 bytes)", TRUE)));
  g_assert_cmpint (row_of (&shown, find_cell (&shown, "nest.jpg (8 bytes)", FALSE)), ==,
                   row_of (&shown, find_cell (&shown, "nest.jpg (10 bytes)", TRUE)));

  gtk_widget_activate_action (GTK_WIDGET (shown.dialog), "conflict.keep-mine", NULL);
  WAIT_FOR (showing_done (&shown));

  /* What the person sees of the note afterwards: both files, by name and size. */
  strip = FB_ATTACHMENT_STRIP (fb_attachment_strip_new ());
  gtk_window_set_child (shown.parent, GTK_WIDGET (strip));
  fb_attachment_strip_set_item (strip, b->store, id);
  shown_names = fb_attachment_strip_dup_names (strip);
  names = g_strjoinv (",", shown_names);
  g_assert_cmpstr (names, ==, "nest (2).jpg,nest.jpg");
  g_assert_cmpstr (fb_attachment_strip_get_detail (strip, "nest (2).jpg"), ==, "8 bytes");
  g_assert_cmpstr (fb_attachment_strip_get_detail (strip, "nest.jpg"), !=, NULL);
  g_clear_pointer (&names, g_free);

  /* The store: mine under the free name, the server's under the name. */
  g_clear_pointer (&digest, g_free);
  digest = digest_of (b->store, id, "nest (2).jpg");
  g_assert_cmpstr (digest, ==, mine_digest);
  g_clear_pointer (&digest, g_free);
  digest = digest_of (b->store, id, "nest.jpg");
  g_assert_cmpstr (digest, ==, theirs_digest);
  text = local_text (b->store, id, "nest (2).jpg");
  g_assert_cmpstr (text, ==, "two eggs");
  g_clear_pointer (&text, g_free);

  peer_sync (b);
  doc = fb_test_server_get_doc (server, db, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "bread\noat milk\neggs");
  names = attachment_names (doc);
  g_assert_cmpstr (names, ==, "nest (2).jpg,nest.jpg");
  peer_sync (a);
  text = local_text (a->store, id, "nest (2).jpg");
  g_assert_cmpstr (text, ==, "two eggs");
  g_clear_pointer (&text, g_free);
  text = local_text (a->store, id, "nest.jpg");
  g_assert_cmpstr (text, ==, "three eggs");

  hide_dialog (&shown);
}

/* Keep Both when "Your version" names a large file B never downloaded
 * (metered) and the server's version no longer has it: with no sync
 * given to the dialog it says so and the conflict stays; with B's sync it
 * downloads the file first (the choices wait meanwhile), then keeps both,
 * and the copy has the file. */
static void
test_keep_both_downloads_file (void)
{
  const char *db = "dialog-keep-both-download";
  const char *url = fb_test_server_get_url (server);
  g_autoptr(Peer) a = peer_new (url, db, ADMIN, PASSWORD, TRUE);
  g_autoptr(Peer) b = peer_new (url, db, ADMIN, PASSWORD, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_malloc (2 * 1024 * 1024 + 1);
  g_autofree char *id = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GBytes) got = NULL;
  const char *copy_id = NULL;
  Shown shown;

  memset (big, 'm', 2 * 1024 * 1024);
  big[2 * 1024 * 1024] = '\0';
  g_assert_true (fb_test_server_create_db (server, db, &error));
  id = fb_test_peer_create_note (a, "Weir", "bread\nmilk\neggs");
  attach_bytes (a, id, "map & key.jpg", big);
  peer_sync (a);
  fb_fake_network_monitor_set_metered (b->monitor, TRUE);
  peer_sync (b);
  g_assert_true (fb_store_remove_attachment (a->store, id, "map & key.jpg", &error));
  fb_test_peer_edit (a, id, "text", "bread\nsoy milk\neggs");
  peer_sync (a);
  fb_test_peer_edit (b, id, "text", "bread\noat milk\neggs");
  peer_sync (b);
  g_assert_cmpuint (fb_store_get_conflict_count (b->store), ==, 1);

  shown = show_dialog (b->store);
  g_signal_emit_by_name (part (&shown, "keep_both_button"), "clicked");
  WAIT_FOR (fb_test_is_shown (fb_test_find_label (GTK_WIDGET (shown.dialog),
                                                  "The conflict could not be resolved: Your version’s file "
                                                  "“map &amp; key.jpg” is not on this device yet, and the server’s version "
                                                  "does not have it: download it first, so that the copy keeps it")));
  g_assert_cmpuint (fb_store_get_conflict_count (b->store), ==, 1);
  g_assert_cmpstr (fb_conflict_dialog_get_current_id (shown.dialog), ==, id);

  fb_conflict_dialog_set_sync_manager (shown.dialog, b->manager);
  g_signal_emit_by_name (part (&shown, "keep_both_button"), "clicked");
  g_assert_false (gtk_widget_is_sensitive (part (&shown, "keep_both_button")));
  g_assert_false (gtk_widget_is_sensitive (part (&shown, "keep_mine_button")));
  WAIT_FOR (fb_test_is_shown (fb_test_find_label (GTK_WIDGET (shown.dialog),
                                                  "Downloading the files of your version first, for its copy…")));
  WAIT_FOR (fb_store_get_conflict_count (b->store) == 0);
  g_assert_true (showing_done (&shown));

  notes = fb_store_list_items (b->store, FB_COLLECTION_NOTES, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (notes->len, ==, 2);
  for (guint i = 0; i < notes->len; i++)
    if (g_strcmp0 (fb_item_get_id (notes->pdata[i]), id) != 0)
      copy_id = fb_item_get_id (notes->pdata[i]);
  got = fb_test_store_attachment_bytes (b->store, copy_id, "map & key.jpg");
  g_assert_nonnull (got);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 2 * 1024 * 1024);

  hide_dialog (&shown);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  sync_ui_test_init (&argc, &argv);

  server = fb_test_server_start (ADMIN, PASSWORD, &error);
  g_assert_no_error (error);

  g_test_add_func ("/conflict-dialog/line-alignment", test_line_alignment);
  g_test_add_func ("/conflict-dialog/record-fields", test_record_fields);
  g_test_add_func ("/conflict-dialog/deleted-on-server", test_deleted_on_server);
  g_test_add_func ("/conflict-dialog/deleted-by-me", test_deleted_by_me);
  g_test_add_func ("/conflict-dialog/steps-through", test_steps_through);
  g_test_add_func ("/conflict-dialog/none-left", test_none_left);
  g_test_add_func ("/conflict-dialog/resolve/keep-mine", test_resolve_keep_mine);
  g_test_add_func ("/conflict-dialog/resolve/use-server", test_resolve_use_server);
  g_test_add_func ("/conflict-dialog/resolve/keep-both", test_resolve_keep_both);
  g_test_add_func ("/conflict-dialog/attachments", test_attachments);
  g_test_add_func ("/conflict-dialog/attachments-same-name", test_attachments_same_name);
  g_test_add_func ("/conflict-dialog/keep-both-downloads-file", test_keep_both_downloads_file);

  status = g_test_run ();
  fb_test_server_free (server);
  return status;
}
