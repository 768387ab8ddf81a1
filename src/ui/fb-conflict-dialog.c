/* fb-conflict-dialog.c: steps through conflicts, shows both sides aligned, resolves them */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-conflict-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-conflict-dialog.h"
#include "fb-sync-status.h"

/* Beyond this many cells of the LCS table (after common lines at both ends
 * are set aside) the middle is shown as one changed block. */
#define MAX_LCS_CELLS (4 * 1024 * 1024)

struct _FbConflictDialog
{
  AdwWindow        parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkButton       *previous_button;
  GtkButton       *next_button;
  GtkStack        *stack;
  GtkLabel        *summary_label;
  GtkGrid         *grid;
  GtkScrolledWindow *scroller;
  GtkButton       *keep_mine_button;
  GtkButton       *keep_both_button;
  GtkButton       *use_server_button;
  GtkButton       *close_button;

  FbStore         *store;
  gulong           item_changed_id;
  GPtrArray       *conflicts;  /* FbItem, oldest first */
  guint            index;
  guint            n_resolved; /* conflicts that went away while open */
  gboolean         resolving;
  int              n_rows;
};

G_DEFINE_FINAL_TYPE (FbConflictDialog, fb_conflict_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- A two-way line alignment (LCS) ---- */

typedef enum {
  ALIGN_SAME,
  ALIGN_CHANGED, /* a line on each side, different */
  ALIGN_MINE,    /* a line only on my side */
  ALIGN_SERVER,  /* a line only on the server's side */
} AlignKind;

typedef struct {
  AlignKind   kind;
  const char *mine;
  const char *server;
} AlignedRow;

/* Appends one block of lines that differ: removed and added lines are paired
 * up side by side so a changed line sits next to its counterpart. */
static void
append_changed_block (GArray      *rows,
                      const char **mine,
                      guint        n_mine,
                      const char **server,
                      guint        n_server)
{
  for (guint i = 0; i < MAX (n_mine, n_server); i++)
    {
      AlignedRow row = { ALIGN_CHANGED, NULL, NULL };

      if (i < n_mine)
        row.mine = mine[i];
      if (i < n_server)
        row.server = server[i];
      if (row.mine == NULL)
        row.kind = ALIGN_SERVER;
      else if (row.server == NULL)
        row.kind = ALIGN_MINE;
      g_array_append_val (rows, row);
    }
}

/* Aligns @mine and @server line by line. Rows point into the two arrays. */
static GArray *
align_lines (const char **mine,
             guint        n_mine,
             const char **server,
             guint        n_server)
{
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (AlignedRow));
  guint prefix = 0, suffix = 0;
  guint n, m;

  while (prefix < n_mine && prefix < n_server &&
         g_str_equal (mine[prefix], server[prefix]))
    prefix++;
  while (suffix < n_mine - prefix && suffix < n_server - prefix &&
         g_str_equal (mine[n_mine - 1 - suffix], server[n_server - 1 - suffix]))
    suffix++;

  for (guint i = 0; i < prefix; i++)
    {
      AlignedRow row = { ALIGN_SAME, mine[i], server[i] };
      g_array_append_val (rows, row);
    }

  n = n_mine - prefix - suffix;
  m = n_server - prefix - suffix;

  if ((gsize) (n + 1) * (m + 1) > MAX_LCS_CELLS)
    {
      append_changed_block (rows, mine + prefix, n, server + prefix, m);
    }
  else if (n > 0 || m > 0)
    {
      const char **a = mine + prefix;
      const char **b = server + prefix;
      /* lcs[i][j]: length of the LCS of a[i..n) and b[j..m). */
      guint *lcs = g_new0 (guint, (gsize) (n + 1) * (m + 1));
      guint i = 0, j = 0, run_i = 0, run_j = 0;

#define LCS(x, y) lcs[(gsize) (x) * (m + 1) + (y)]
      for (guint x = n; x-- > 0;)
        for (guint y = m; y-- > 0;)
          {
            if (g_str_equal (a[x], b[y]))
              LCS (x, y) = LCS (x + 1, y + 1) + 1;
            else
              LCS (x, y) = MAX (LCS (x + 1, y), LCS (x, y + 1));
          }

      while (i < n || j < m)
        {
          if (i < n && j < m && g_str_equal (a[i], b[j]))
            {
              AlignedRow row = { ALIGN_SAME, a[i], b[j] };

              append_changed_block (rows, a + run_i, i - run_i, b + run_j, j - run_j);
              g_array_append_val (rows, row);
              i++;
              j++;
              run_i = i;
              run_j = j;
            }
          else if (j >= m || (i < n && LCS (i + 1, j) >= LCS (i, j + 1)))
            i++;
          else
            j++;
        }
      append_changed_block (rows, a + run_i, i - run_i, b + run_j, j - run_j);
#undef LCS
      g_free (lcs);
    }

  for (guint k = n_mine - suffix; k < n_mine; k++)
    {
      AlignedRow row = { ALIGN_SAME, mine[k], server[n_server - n_mine + k] };
      g_array_append_val (rows, row);
    }

  return rows;
}

/* ---- Reading bodies ---- */

static char *
value_to_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return json_to_string (node, FALSE);
}

static char *
member_text (JsonObject *object,
             const char *name)
{
  if (object == NULL || !json_object_has_member (object, name))
    return NULL;
  return value_to_text (json_object_get_member (object, name));
}

static char *
tags_text (JsonObject *body)
{
  JsonNode *node;
  JsonArray *array;
  GString *text;

  if (body == NULL || !json_object_has_member (body, "tags"))
    return NULL;
  node = json_object_get_member (body, "tags");
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return value_to_text (node);

  array = json_node_get_array (node);
  text = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *tag = value_to_text (json_array_get_element (array, i));

      if (text->len > 0)
        /* Translators: separates tags in a list. */
        g_string_append (text, _(", "));
      g_string_append (text, tag);
    }
  return g_string_free (text, FALSE);
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, name))
    return NULL;
  node = json_object_get_member (object, name);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Field names in the record's own order, then any others. */
static void
collect_field_names (JsonObject *body,
                     GPtrArray  *names)
{
  JsonObject *fields = object_member (body, "fields");
  g_autoptr(GList) members = NULL;

  if (fields == NULL)
    return;

  if (json_object_has_member (body, "order") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (body, "order")))
    {
      JsonArray *order = json_object_get_array_member (body, "order");

      for (guint i = 0; i < json_array_get_length (order); i++)
        {
          JsonNode *node = json_array_get_element (order, i);
          const char *name;

          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
            continue;
          name = json_node_get_string (node);
          if (json_object_has_member (fields, name) &&
              !g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
            g_ptr_array_add (names, g_strdup (name));
        }
    }

  members = json_object_get_members (fields);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_ptr_array_find_with_equal_func (names, l->data, g_str_equal, NULL))
      g_ptr_array_add (names, g_strdup (l->data));
}

static gboolean
is_shown_key (const char *name,
              gboolean    is_note)
{
  static const char * const internal[] = {
    "type", "updated_at", "created_at", "title", NULL
  };

  if (g_strv_contains (internal, name) || name[0] == '_')
    return FALSE;
  if (is_note)
    return !g_str_equal (name, "text") && !g_str_equal (name, "tags");
  return !g_str_equal (name, "fields") && !g_str_equal (name, "order");
}

/* ---- Building the grid ---- */

static void
clear_grid (FbConflictDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))) != NULL)
    gtk_grid_remove (self->grid, child);
  self->n_rows = 0;
}

static GtkWidget *
make_cell (const char *text,
           gboolean    differs,
           gboolean    is_server,
           gboolean    monospace)
{
  GtkWidget *label = gtk_label_new (text != NULL ? text : "");

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "fb-conflict-cell");
  gtk_widget_add_css_class (label, is_server ? "server" : "mine");
  if (monospace)
    gtk_widget_add_css_class (label, "monospace");

  if (text == NULL)
    {
      gtk_widget_add_css_class (label, "missing");
      gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      is_server ? _("Not in the server version")
                                                : _("Not in your version"),
                                      -1);
    }
  else if (differs)
    {
      gtk_widget_add_css_class (label, "differs");
      gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      is_server ? _("Differs from your version")
                                                : _("Differs from the server version"),
                                      -1);
    }

  return label;
}

static void
add_name_row (FbConflictDialog *self,
              const char       *name,
              gboolean          mine_present,
              gboolean          server_present)
{
  for (int col = 0; col < 2; col++)
    {
      GtkWidget *label;

      if (!(col == 0 ? mine_present : server_present))
        continue;
      label = gtk_label_new (name);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "caption-heading");
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "fb-conflict-field-name");
      gtk_grid_attach (self->grid, label, col, self->n_rows, 1, 1);
    }
  self->n_rows++;
}

/* A field shown as one value per side. NULL: the side has no such field
 * (or, with @mine_present/@server_present FALSE, the side was deleted and
 * shows nothing). */
static void
add_field (FbConflictDialog *self,
           const char       *name,
           const char       *mine,
           const char       *server,
           gboolean          mine_present,
           gboolean          server_present)
{
  gboolean differs = mine_present && server_present && g_strcmp0 (mine, server) != 0;

  add_name_row (self, name, mine_present, server_present);
  if (mine_present)
    gtk_grid_attach (self->grid, make_cell (mine, differs, FALSE, FALSE), 0, self->n_rows, 1, 1);
  if (server_present)
    gtk_grid_attach (self->grid, make_cell (server, differs, TRUE, FALSE), 1, self->n_rows, 1, 1);
  self->n_rows++;
}

static void
add_text (FbConflictDialog *self,
          const char       *name,
          const char       *mine,
          const char       *server,
          gboolean          mine_present,
          gboolean          server_present)
{
  g_auto(GStrv) mine_lines = g_strsplit (mine != NULL ? mine : "", "\n", -1);
  g_auto(GStrv) server_lines = g_strsplit (server != NULL ? server : "", "\n", -1);
  g_autoptr(GArray) rows = NULL;

  if (!mine_present)
    {
      g_clear_pointer (&mine_lines, g_strfreev);
      mine_lines = g_new0 (char *, 1);
    }
  if (!server_present)
    {
      g_clear_pointer (&server_lines, g_strfreev);
      server_lines = g_new0 (char *, 1);
    }

  add_name_row (self, name, mine_present, server_present);

  if (!mine_present || !server_present)
    {
      /* One side was deleted: show the other as it is. */
      GStrv lines = mine_present ? mine_lines : server_lines;

      for (guint i = 0; lines[i] != NULL; i++)
        gtk_grid_attach (self->grid, make_cell (lines[i], FALSE, !mine_present, TRUE),
                         mine_present ? 0 : 1, self->n_rows++, 1, 1);
      return;
    }

  rows = align_lines ((const char **) mine_lines, g_strv_length (mine_lines),
                      (const char **) server_lines, g_strv_length (server_lines));
  for (guint i = 0; i < rows->len; i++)
    {
      AlignedRow *row = &g_array_index (rows, AlignedRow, i);
      gboolean differs = row->kind != ALIGN_SAME;

      gtk_grid_attach (self->grid, make_cell (row->mine, differs, FALSE, TRUE),
                       0, self->n_rows, 1, 1);
      gtk_grid_attach (self->grid, make_cell (row->server, differs, TRUE, TRUE),
                       1, self->n_rows, 1, 1);
      self->n_rows++;
    }
}

static GtkWidget *
make_deleted_notice (const char *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *image = gtk_image_new_from_icon_name ("user-trash-symbolic");
  GtkWidget *label = gtk_label_new (text);

  gtk_image_set_pixel_size (GTK_IMAGE (image), 32);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "title-4");
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_valign (box, GTK_ALIGN_START);
  gtk_widget_add_css_class (box, "fb-conflict-deleted");
  gtk_widget_add_css_class (box, "dim-label");
  return box;
}

static const char *
display_title (FbItem *item)
{
  const char *title = fb_item_get_title (item);
  JsonObject *server = fb_item_get_server_body (item);

  if (*title == '\0' && server != NULL && json_object_has_member (server, "title") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (server, "title")) &&
      json_node_get_value_type (json_object_get_member (server, "title")) == G_TYPE_STRING)
    title = json_object_get_string_member (server, "title");
  if (*title == '\0')
    return _("Untitled");
  return title;
}

static void
show_item (FbConflictDialog *self,
           FbItem           *item)
{
  JsonObject *mine = fb_item_get_body (item);
  JsonObject *server = fb_item_get_server_body (item);
  gboolean mine_present = !fb_item_get_deleted (item);
  gboolean server_present = !fb_item_get_server_deleted (item) && server != NULL;
  gboolean is_note = g_strcmp0 (fb_item_get_collection (item), FB_COLLECTION_RECORDS) != 0;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *summary = NULL;
  g_autofree char *mine_title = NULL;
  g_autofree char *server_title = NULL;
  int first_row;

  clear_grid (self);

  if (!mine_present)
    /* Translators: %s is the item's title. */
    summary = g_strdup_printf (_("You deleted “%s” on this device, and it was changed on the server."),
                               display_title (item));
  else if (!server_present)
    /* Translators: %s is the item's title. */
    summary = g_strdup_printf (_("“%s” was deleted on the server, and you changed it on this device."),
                               display_title (item));
  else
    /* Translators: %s is the item's title. */
    summary = g_strdup_printf (_("“%s” was changed on this device and on the server. "
                                 "Choose which version to keep."),
                               display_title (item));
  gtk_label_set_label (self->summary_label, summary);

  first_row = self->n_rows;

  mine_title = member_text (mine, "title");
  server_title = member_text (server, "title");
  add_field (self, _("Title"), mine_title, server_title, mine_present, server_present);

  if (is_note)
    {
      g_autofree char *mine_text = member_text (mine, "text");
      g_autofree char *server_text = member_text (server, "text");
      g_autofree char *mine_tags = tags_text (mine);
      g_autofree char *server_tags = tags_text (server);

      add_text (self, _("Text"), mine_text, server_text, mine_present, server_present);
      /* Tags only when there are some: an empty list says nothing. */
      if ((mine_tags != NULL && *mine_tags != '\0') || (server_tags != NULL && *server_tags != '\0'))
        add_field (self, _("Tags"), mine_tags, server_tags, mine_present, server_present);
    }
  else
    {
      JsonObject *mine_fields = object_member (mine, "fields");
      JsonObject *server_fields = object_member (server, "fields");

      if (mine_present)
        collect_field_names (mine, names);
      if (server_present)
        collect_field_names (server, names);
      for (guint i = 0; i < names->len; i++)
        {
          const char *name = g_ptr_array_index (names, i);
          g_autofree char *a = member_text (mine_fields, name);
          g_autofree char *b = member_text (server_fields, name);

          add_field (self, name, a, b, mine_present, server_present);
        }
    }

  /* Other members, so nothing differs unseen. */
  g_ptr_array_set_size (names, 0);
  if (mine != NULL && mine_present)
    {
      g_autoptr(GList) members = json_object_get_members (mine);

      for (GList *l = members; l != NULL; l = l->next)
        if (is_shown_key (l->data, is_note))
          g_ptr_array_add (names, g_strdup (l->data));
    }
  if (server != NULL && server_present)
    {
      g_autoptr(GList) members = json_object_get_members (server);

      for (GList *l = members; l != NULL; l = l->next)
        if (is_shown_key (l->data, is_note) &&
            !g_ptr_array_find_with_equal_func (names, l->data, g_str_equal, NULL))
          g_ptr_array_add (names, g_strdup (l->data));
    }
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *a = member_text (mine, name);
      g_autofree char *b = member_text (server, name);

      add_field (self, name, a, b, mine_present, server_present);
    }

  if (!mine_present)
    gtk_grid_attach (self->grid, make_deleted_notice (_("You deleted this item")),
                     0, first_row, 1, MAX (self->n_rows - first_row, 1));
  if (!server_present)
    gtk_grid_attach (self->grid, make_deleted_notice (_("Deleted on the server")),
                     1, first_row, 1, MAX (self->n_rows - first_row, 1));

  /* Keeping both makes no sense when one side is gone. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.keep-both",
                                 mine_present && server_present);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->keep_mine_button),
                               mine_present
                               ? _("Keep your version; the server’s changes are replaced")
                               : _("Keep the item deleted everywhere"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->use_server_button),
                               server_present
                               ? _("Take the server’s version; your changes are replaced")
                               : _("Delete the item here too"));

  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

static FbItem *
current_item (FbConflictDialog *self)
{
  if (self->conflicts == NULL || self->index >= self->conflicts->len)
    return NULL;
  return g_ptr_array_index (self->conflicts, self->index);
}

static void
update_view (FbConflictDialog *self)
{
  FbItem *item = current_item (self);
  guint total;
  gboolean was_done = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "done") == 0;

  if (item == NULL)
    {
      clear_grid (self);
      adw_window_title_set_subtitle (self->window_title, "");
      gtk_stack_set_visible_child_name (self->stack, "done");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.keep-mine", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.use-server", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.keep-both", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.previous", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.next", FALSE);
      if (!was_done)
        gtk_widget_grab_focus (GTK_WIDGET (self->close_button));
      return;
    }

  total = self->n_resolved + self->conflicts->len;
  {
    /* Translators: "2 of 5": the conflict shown and how many there are. */
    g_autofree char *position = g_strdup_printf (_("%u of %u"),
                                                 self->n_resolved + self->index + 1, total);

    adw_window_title_set_subtitle (self->window_title, position);
  }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.keep-mine", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.use-server", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.previous", self->index > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.next",
                                 self->index + 1 < self->conflicts->len);
  show_item (self, item);
  gtk_stack_set_visible_child_name (self->stack, "conflict");
}

/* Re-reads the conflicts from the store, staying on @keep_id when it is
 * still one, else at the same position. */
static void
reload (FbConflictDialog *self,
        const char       *keep_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fresh = NULL;
  g_autofree char *keep = g_strdup (keep_id);
  guint old_len = self->conflicts != NULL ? self->conflicts->len : 0;
  guint index = self->index;
  gboolean found = FALSE;

  fresh = fb_store_list_conflicts (self->store, &error);
  if (fresh == NULL)
    {
      g_warning ("Cannot list conflicts: %s", error->message);
      fresh = g_ptr_array_new_with_free_func (g_object_unref);
    }

  /* Those that went away since the last look were resolved. */
  if (self->conflicts != NULL)
    for (guint i = 0; i < self->conflicts->len; i++)
      {
        FbItem *old = g_ptr_array_index (self->conflicts, i);
        gboolean still = FALSE;

        for (guint j = 0; j < fresh->len && !still; j++)
          still = g_str_equal (fb_item_get_id (old), fb_item_get_id (g_ptr_array_index (fresh, j)));
        if (!still)
          {
            self->n_resolved++;
            if (i < self->index && index > 0)
              index--;
          }
      }

  if (keep != NULL)
    for (guint j = 0; j < fresh->len; j++)
      if (g_str_equal (keep, fb_item_get_id (g_ptr_array_index (fresh, j))))
        {
          index = j;
          found = TRUE;
          break;
        }

  if (!found && index >= fresh->len)
    index = fresh->len > 0 ? fresh->len - 1 : 0;
  if (!found && old_len == 0)
    index = 0;

  g_clear_pointer (&self->conflicts, g_ptr_array_unref);
  self->conflicts = g_steal_pointer (&fresh);
  self->index = index;
  update_view (self);
}

static void
item_changed_cb (FbStore          *store,
                 FbItem           *item,
                 FbConflictDialog *self)
{
  gboolean known = FALSE;
  FbItem *current = current_item (self);

  if (self->resolving)
    return;

  for (guint i = 0; self->conflicts != NULL && i < self->conflicts->len && !known; i++)
    known = g_str_equal (fb_item_get_id (item),
                         fb_item_get_id (g_ptr_array_index (self->conflicts, i)));

  if (known || fb_item_get_state (item) == FB_ITEM_STATE_CONFLICT)
    reload (self, current != NULL ? fb_item_get_id (current) : NULL);
}

static void
resolve (FbConflictDialog *self,
         FbResolution      how)
{
  FbItem *item = current_item (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  gboolean ok;

  if (item == NULL)
    return;

  id = g_strdup (fb_item_get_id (item));
  self->resolving = TRUE;
  ok = fb_store_resolve_conflict (self->store, id, how, NULL, &error);
  self->resolving = FALSE;

  if (!ok)
    {
      /* Translators: %s says why, in the store's words. */
      g_autofree char *message = g_strdup_printf (_("The conflict could not be resolved: %s"),
                                                  error->message);
      AdwToast *toast = adw_toast_new (message);

      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }

  reload (self, NULL);
}

static void
keep_mine_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  resolve (FB_CONFLICT_DIALOG (widget), FB_RESOLVE_KEEP_MINE);
}

static void
use_server_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  resolve (FB_CONFLICT_DIALOG (widget), FB_RESOLVE_USE_SERVER);
}

static void
keep_both_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  resolve (FB_CONFLICT_DIALOG (widget), FB_RESOLVE_KEEP_BOTH);
}

static void
previous_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FbConflictDialog *self = FB_CONFLICT_DIALOG (widget);

  if (self->index > 0)
    {
      self->index--;
      update_view (self);
    }
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FbConflictDialog *self = FB_CONFLICT_DIALOG (widget);

  if (self->conflicts != NULL && self->index + 1 < self->conflicts->len)
    {
      self->index++;
      update_view (self);
    }
}

GtkWidget *
fb_conflict_dialog_new (GtkWindow *parent,
                        FbStore   *store)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FB_IS_STORE (store), NULL);

  return g_object_new (FB_TYPE_CONFLICT_DIALOG,
                       "transient-for", parent,
                       "store", store,
                       NULL);
}

FbStore *
fb_conflict_dialog_get_store (FbConflictDialog *self)
{
  g_return_val_if_fail (FB_IS_CONFLICT_DIALOG (self), NULL);

  return self->store;
}

const char *
fb_conflict_dialog_get_current_id (FbConflictDialog *self)
{
  FbItem *item;

  g_return_val_if_fail (FB_IS_CONFLICT_DIALOG (self), NULL);

  item = current_item (self);
  return item != NULL ? fb_item_get_id (item) : NULL;
}

gboolean
fb_conflict_dialog_show_item (FbConflictDialog *self,
                              const char       *id)
{
  g_return_val_if_fail (FB_IS_CONFLICT_DIALOG (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  for (guint i = 0; self->conflicts != NULL && i < self->conflicts->len; i++)
    if (g_str_equal (id, fb_item_get_id (g_ptr_array_index (self->conflicts, i))))
      {
        self->index = i;
        update_view (self);
        return TRUE;
      }
  return FALSE;
}

static void
fb_conflict_dialog_constructed (GObject *object)
{
  FbConflictDialog *self = FB_CONFLICT_DIALOG (object);

  G_OBJECT_CLASS (fb_conflict_dialog_parent_class)->constructed (object);

  g_assert (self->store != NULL);
  self->item_changed_id = g_signal_connect (self->store, "item-changed",
                                            G_CALLBACK (item_changed_cb), self);
  reload (self, NULL);

  /* Nothing is lost with Keep Both, so it is where Enter lands first. */
  if (current_item (self) != NULL)
    gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->keep_both_button));
}

static void
fb_conflict_dialog_dispose (GObject *object)
{
  FbConflictDialog *self = FB_CONFLICT_DIALOG (object);

  g_clear_signal_handler (&self->item_changed_id, self->store);
  g_clear_object (&self->store);
  g_clear_pointer (&self->conflicts, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), FB_TYPE_CONFLICT_DIALOG);

  G_OBJECT_CLASS (fb_conflict_dialog_parent_class)->dispose (object);
}

static void
fb_conflict_dialog_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  FbConflictDialog *self = FB_CONFLICT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_conflict_dialog_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  FbConflictDialog *self = FB_CONFLICT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_conflict_dialog_class_init (FbConflictDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = fb_conflict_dialog_constructed;
  object_class->dispose = fb_conflict_dialog_dispose;
  object_class->get_property = fb_conflict_dialog_get_property;
  object_class->set_property = fb_conflict_dialog_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldbook/Fieldbook/sync-ui/fb-conflict-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, previous_button);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, next_button);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, grid);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, scroller);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, keep_mine_button);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, keep_both_button);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, use_server_button);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, close_button);

  gtk_widget_class_install_action (widget_class, "conflict.keep-mine", NULL, keep_mine_action);
  gtk_widget_class_install_action (widget_class, "conflict.use-server", NULL, use_server_action);
  gtk_widget_class_install_action (widget_class, "conflict.keep-both", NULL, keep_both_action);
  gtk_widget_class_install_action (widget_class, "conflict.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "conflict.next", NULL, next_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "conflict.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "conflict.next", NULL);
}

static void
fb_conflict_dialog_init (FbConflictDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fb_sync_ui_ensure_style ();
}
