/* fb-conflict-attachments.h: the conflict resolver's rows of each side's attachments */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "fb-body-diff.h"

G_BEGIN_DECLS

int fb_conflict_attachments_fill (GtkGrid               *grid,
                                  int                    first_row,
                                  JsonObject            *mine,
                                  gboolean               mine_present,
                                  JsonObject            *server,
                                  gboolean               server_present,
                                  const FbBodyDiffWords *words);

G_END_DECLS
