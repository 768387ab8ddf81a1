/* fb-transfer-words.h: a file in flight, in words ("Sending… 40 %") */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-sync-progress.h"

G_BEGIN_DECLS

/* What a transfer of @bytes_done of @bytes_total (> 0) looks like to the
 * person: a file sent says how far in per cent ("Sending… 40 %"), one
 * downloaded how much of how much ("Downloading… 12.0 MB of 50.0 MB").
 * With @name (the sync status says which file), the name is in it. */
char   *fb_transfer_words    (const char          *name,
                              FbTransferDirection  direction,
                              guint64              bytes_done,
                              guint64              bytes_total);
/* bytes_done / bytes_total, between 0 and 1. */
double  fb_transfer_fraction (guint64              bytes_done,
                              guint64              bytes_total);

G_END_DECLS
