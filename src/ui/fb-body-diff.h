/* fb-body-diff.h: two versions of an item side by side, field by field, lines aligned, differences marked */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What a screen reader says about a cell: [0] for the left side, [1] for the
 * right. */
typedef struct {
  const char *missing[2]; /* the side has no such field or line */
  const char *differs[2]; /* the side differs from the other */
} FbBodyDiffWords;

/* Removes every cell from @grid. */
void  fb_body_diff_clear  (GtkGrid               *grid);

/* Adds rows from @first_row on: the title, then the text (lines aligned) and
 * tags of a note or the fields of a record, then any other members, each
 * with the left (@mine, column 0) and right (@server, column 1) value,
 * differing cells marked. A side that is not present (deleted) shows
 * nothing. Returns the next free row. */
int   fb_body_diff_fill   (GtkGrid               *grid,
                           int                    first_row,
                           JsonObject            *mine,
                           gboolean               mine_present,
                           JsonObject            *server,
                           gboolean               server_present,
                           gboolean               is_note,
                           const FbBodyDiffWords *words);

G_END_DECLS
