/* crash-writer.c: edits items in a loop until killed, announcing each committed edit */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "crash-writer"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "fb-attachments.h"
#include "fb-store.h"

/* Usage: crash-writer DB N_ITEMS FIRST_EDIT
 *
 * Edit k sets item "item-<k % N>" to version k: title "t<k>", text "v<k>",
 * tags ["k<k>"]. Every fifth edit also sets the next item to version k in
 * the same transaction; every third is then marked pushed, as a sync would;
 * every fourth first attaches "a<k>.bin" (bytes that say k) to its item.
 * After each commit it prints k on a line of its own. The parent kills it
 * with SIGKILL somewhere in the middle of all this. */

static JsonObject *
version_body (guint64 k)
{
  g_autofree char *title = g_strdup_printf ("t%" G_GUINT64_FORMAT, k);
  g_autofree char *text = g_strdup_printf ("v%" G_GUINT64_FORMAT, k);
  g_autofree char *tag = g_strdup_printf ("k%" G_GUINT64_FORMAT, k);
  JsonObject *body = fb_note_body_new (title, text);

  json_array_add_string_element (json_object_get_array_member (body, "tags"), tag);

  return body;
}

static char *
item_id (guint64 k,
         guint   n_items)
{
  return g_strdup_printf ("item-%02u", (guint) (k % n_items));
}

static void
check (gboolean  ok,
       GError   *error)
{
  if (!ok)
    {
      fprintf (stderr, "crash-writer: %s\n", error != NULL ? error->message : "failed");
      exit (1);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbStore) store = NULL;
  guint n_items;
  guint64 first;

  if (argc != 4)
    {
      fprintf (stderr, "Usage: crash-writer DB N_ITEMS FIRST_EDIT\n");
      return 2;
    }

  n_items = (guint) g_ascii_strtoull (argv[2], NULL, 10);
  first = g_ascii_strtoull (argv[3], NULL, 10);

  store = fb_store_new (argv[1], &error);
  check (store != NULL, error);

  for (guint i = 0; i < n_items; i++)
    {
      g_autofree char *id = item_id (i, n_items);
      g_autoptr(FbItem) existing = fb_store_get_item (store, id, NULL);

      if (existing == NULL)
        {
          g_autoptr(JsonObject) body = version_body (0);
          g_autoptr(FbItem) item = fb_store_put_item (store, id, FB_COLLECTION_NOTES, body, &error);

          check (item != NULL, error);
        }
    }

  printf ("ready\n");
  fflush (stdout);

  for (guint64 k = first; k < first + 10000000; k++)
    {
      g_autofree char *id = item_id (k, n_items);
      g_autoptr(JsonObject) body = version_body (k);

      if (k % 4 == 0)
        {
          g_autofree char *name = g_strdup_printf ("a%" G_GUINT64_FORMAT ".bin", k);
          gsize size = 20000 + (gsize) (k % 1000);
          guchar *data = g_malloc (size);
          g_autoptr(GInputStream) in = NULL;
          g_autoptr(FbAttachment) attachment = NULL;

          for (gsize b = 0; b < size; b++)
            data[b] = (guchar) ((k + b) & 0xff);
          in = g_memory_input_stream_new_from_data (data, size, g_free);
          attachment = fb_store_add_attachment (store, id, name, NULL, in, NULL, &error);
          check (attachment != NULL, error);
        }

      if (k % 5 == 0)
        {
          g_autofree char *next_id = item_id (k + 1, n_items);

          check (fb_store_begin (store, &error), error);
          check (fb_store_update_item (store, id, body, &error), error);
          check (fb_store_update_item (store, next_id, body, &error), error);
          check (fb_store_commit (store, &error), error);
        }
      else
        {
          check (fb_store_update_item (store, id, body, &error), error);
        }

      if (k % 3 == 0)
        {
          g_autoptr(FbItem) item = fb_store_get_item (store, id, &error);
          g_autofree char *rev = g_strdup_printf ("%" G_GUINT64_FORMAT "-x", k);

          check (item != NULL, error);
          check (fb_store_mark_pushed (store, id, fb_item_get_local_seq (item), rev,
                                       fb_item_get_body (item), FALSE, &error),
                 error);
        }

      printf ("%" G_GUINT64_FORMAT "\n", k);
      fflush (stdout);
    }

  return 0;
}
