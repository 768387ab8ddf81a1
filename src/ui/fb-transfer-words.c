/* fb-transfer-words.c: a file in flight, in words ("Sending… 40 %") */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-transfer-words"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-transfer-words.h"

double
fb_transfer_fraction (guint64 bytes_done,
                      guint64 bytes_total)
{
  if (bytes_total == 0)
    return 0.0;
  return CLAMP ((double) bytes_done / (double) bytes_total, 0.0, 1.0);
}

char *
fb_transfer_words (const char          *name,
                   FbTransferDirection  direction,
                   guint64              bytes_done,
                   guint64              bytes_total)
{
  g_autofree char *done = NULL;
  g_autofree char *total = NULL;
  /* Rounded down: "100 %" only once all of it is there. */
  int percent = (int) (fb_transfer_fraction (bytes_done, bytes_total) * 100.0);

  if (direction == FB_TRANSFER_UP && name != NULL)
    /* TRANSLATORS: %s is an attachment's file name, %d how much of it is sent, in per cent */
    return g_strdup_printf (_("Sending “%s”… %d %%"), name, percent);
  if (direction == FB_TRANSFER_UP)
    /* TRANSLATORS: %d is how much of the file is sent, in per cent */
    return g_strdup_printf (_("Sending… %d %%"), percent);

  done = g_format_size (bytes_done);
  total = g_format_size (bytes_total);
  if (name != NULL)
    /* TRANSLATORS: %s are an attachment's file name, the bytes downloaded
     * and its size ("12.0 MB", "50.0 MB") */
    return g_strdup_printf (_("Downloading “%s”… %s of %s"), name, done, total);
  /* TRANSLATORS: %s are the bytes downloaded and the file's size ("12.0 MB", "50.0 MB") */
  return g_strdup_printf (_("Downloading… %s of %s"), done, total);
}
