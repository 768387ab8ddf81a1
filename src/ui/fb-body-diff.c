/* fb-body-diff.c: two versions of an item side by side, field by field, lines aligned, differences marked */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-body-diff"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-body-diff.h"
#include "fb-item.h"
#include "fb-ui-util.h"

/* The grid being filled (left: column 0, CSS class "mine"; right: column 1,
 * "server"). */
typedef struct {
  GtkGrid               *grid;
  int                    n_rows;
  const FbBodyDiffWords *words;
} Diff;

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

  if ((gsize) (n + 1) * (m + 1) > FB_MAX_LCS_CELLS)
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
member_text (JsonObject *object,
             const char *name)
{
  if (object == NULL || !json_object_has_member (object, name))
    return NULL;
  return fb_json_value_to_text (json_object_get_member (object, name));
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
    return fb_json_value_to_text (node);

  array = json_node_get_array (node);
  text = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *tag = fb_json_value_to_text (json_array_get_element (array, i));

      if (text->len > 0)
        /* Translators: separates tags in a list. */
        g_string_append (text, _(", "));
      g_string_append (text, tag);
    }
  return g_string_free (text, FALSE);
}

/* Field names in the record's own order, then any others. */
static void
collect_field_names (JsonObject *body,
                     GPtrArray  *names)
{
  g_autoptr(GPtrArray) own = fb_record_body_get_field_names (body);

  for (guint i = 0; i < own->len; i++)
    if (!g_ptr_array_find_with_equal_func (names, own->pdata[i], g_str_equal, NULL))
      g_ptr_array_add (names, g_strdup (own->pdata[i]));
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

void
fb_body_diff_clear (GtkGrid *grid)
{
  GtkWidget *child;

  g_return_if_fail (GTK_IS_GRID (grid));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static GtkWidget *
make_cell (Diff       *self,
           const char *text,
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
                                      self->words->missing[is_server ? 1 : 0],
                                      -1);
    }
  else if (differs)
    {
      gtk_widget_add_css_class (label, "differs");
      gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      self->words->differs[is_server ? 1 : 0],
                                      -1);
    }

  return label;
}

static void
add_name_row (Diff             *self,
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
add_field (Diff             *self,
           const char       *name,
           const char       *mine,
           const char       *server,
           gboolean          mine_present,
           gboolean          server_present)
{
  gboolean differs = mine_present && server_present && g_strcmp0 (mine, server) != 0;

  add_name_row (self, name, mine_present, server_present);
  if (mine_present)
    gtk_grid_attach (self->grid, make_cell (self, mine, differs, FALSE, FALSE), 0, self->n_rows, 1, 1);
  if (server_present)
    gtk_grid_attach (self->grid, make_cell (self, server, differs, TRUE, FALSE), 1, self->n_rows, 1, 1);
  self->n_rows++;
}

static void
add_text (Diff             *self,
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
        gtk_grid_attach (self->grid, make_cell (self, lines[i], FALSE, !mine_present, TRUE),
                         mine_present ? 0 : 1, self->n_rows++, 1, 1);
      return;
    }

  rows = align_lines ((const char **) mine_lines, g_strv_length (mine_lines),
                      (const char **) server_lines, g_strv_length (server_lines));
  for (guint i = 0; i < rows->len; i++)
    {
      AlignedRow *row = &g_array_index (rows, AlignedRow, i);
      gboolean differs = row->kind != ALIGN_SAME;

      gtk_grid_attach (self->grid, make_cell (self, row->mine, differs, FALSE, TRUE),
                       0, self->n_rows, 1, 1);
      gtk_grid_attach (self->grid, make_cell (self, row->server, differs, TRUE, TRUE),
                       1, self->n_rows, 1, 1);
      self->n_rows++;
    }
}

int
fb_body_diff_fill (GtkGrid               *grid,
                   int                    first_row,
                   JsonObject            *mine,
                   gboolean               mine_present,
                   JsonObject            *server,
                   gboolean               server_present,
                   gboolean               is_note,
                   const FbBodyDiffWords *words)
{
  Diff diff = { grid, first_row, words };
  Diff *self = &diff;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *mine_title = NULL;
  g_autofree char *server_title = NULL;

  g_return_val_if_fail (GTK_IS_GRID (grid), first_row);
  g_return_val_if_fail (words != NULL, first_row);

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
      JsonObject *mine_fields = fb_body_get_object (mine, "fields");
      JsonObject *server_fields = fb_body_get_object (server, "fields");

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

  return self->n_rows;
}
