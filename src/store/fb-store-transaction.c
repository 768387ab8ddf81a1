/* fb-store-transaction.c: transactions and savepoints of the local store */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fb-store.h"
#include "fb-store-private.h"

/* Owns fb_store_begin (), _commit (), _rollback () and
 * _with_transaction (): the outermost level is a BEGIN IMMEDIATE, inner
 * ones savepoints; each level keeps marks into the queues of snapshots and
 * index updates, so a rolled back level drops its own entries. The index
 * updates are written at the outermost commit, the snapshots announced
 * after it (fb-store.c). */

static char *
savepoint_sql (const char *verb,
               guint       level)
{
  return g_strdup_printf ("%s fb_savepoint_%u", verb, level);
}

/* Some errors (a full disk, I/O errors) make SQLite roll back the whole
 * transaction by itself, whatever savepoint we are in. */
static void
check_transaction_alive (FbStore *self)
{
  if (self->depth == 0 || self->broken != NULL || !sqlite3_get_autocommit (self->db))
    return;

  if (self->last_error != NULL)
    self->broken = g_error_copy (self->last_error);
  else
    g_set_error_literal (&self->broken, FB_STORE_ERROR, FB_STORE_ERROR_FAILED,
                         _("An error cancelled the whole change: nothing was saved"));
}

gboolean
fb_store_begin (FbStore  *self,
                GError  **error)
{
  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  check_transaction_alive (self);
  if (self->broken != NULL)
    {
      /* SQLite already rolled the transaction back: a savepoint now would
       * silently start writing outside it. */
      g_propagate_error (error, g_error_copy (self->broken));
      return FALSE;
    }

  if (self->depth == 0 && self->read_only != NULL)
    {
      g_propagate_error (error, g_error_copy (self->read_only));
      return FALSE;
    }

  if (self->depth == 0)
    {
      g_clear_error (&self->last_error);
      /* IMMEDIATE takes the write lock now, so "busy" is reported here and
       * not half way through a change. */
      if (!_fb_store_exec_cached (self, "BEGIN IMMEDIATE", error))
        return FALSE;
    }
  else
    {
      g_autofree char *sql = savepoint_sql ("SAVEPOINT", self->depth);

      if (!_fb_store_exec_cached (self, sql, error))
        return FALSE;
    }

  g_array_append_val (self->queue_marks, self->queue->len);
  g_array_append_val (self->index_marks, self->index_queue->len);
  self->depth++;

  return TRUE;
}

static void
end_outermost (FbStore *self)
{
  g_clear_error (&self->broken);
  g_clear_error (&self->last_error);
  g_array_set_size (self->queue_marks, 0);
  g_array_set_size (self->index_marks, 0);
  g_array_set_size (self->index_queue, 0);
}

void
fb_store_rollback (FbStore *self)
{
  guint level;
  guint mark;

  g_return_if_fail (FB_IS_STORE (self));
  g_return_if_fail (self->depth > 0);

  level = self->depth - 1;
  mark = g_array_index (self->queue_marks, guint, level);

  if (self->broken == NULL && !sqlite3_get_autocommit (self->db))
    {
      g_autoptr(GError) error = NULL;

      if (level == 0)
        {
          if (!_fb_store_exec_cached (self, "ROLLBACK", &error))
            g_warning ("Could not roll back: %s", error->message);
        }
      else
        {
          g_autofree char *rollback_to = savepoint_sql ("ROLLBACK TO", level);
          g_autofree char *release = savepoint_sql ("RELEASE", level);

          if (!_fb_store_exec_cached (self, rollback_to, &error) ||
              !_fb_store_exec_cached (self, release, &error))
            {
              g_warning ("Could not roll back a savepoint: %s", error->message);
              if (sqlite3_get_autocommit (self->db))
                self->broken = g_error_copy (error);
            }
        }
    }
  else
    {
      check_transaction_alive (self);
    }

  if (self->broken != NULL)
    mark = 0;
  g_ptr_array_set_size (self->queue, mark);
  g_array_set_size (self->queue_origins, mark);
  _fb_store_index_queue_rollback (self, self->broken != NULL ? 0 :
                                        g_array_index (self->index_marks, guint, level));

  self->depth--;
  g_array_set_size (self->queue_marks, self->depth);
  g_array_set_size (self->index_marks, self->depth);

  if (self->depth == 0)
    end_outermost (self);

  _fb_store_reload_live_counts (self);
}

gboolean
fb_store_commit (FbStore  *self,
                 GError  **error)
{
  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->depth > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* On failure the level stays open, as SQLite's own COMMIT does: the
   * caller rolls back (nothing of it was saved). */
  check_transaction_alive (self);
  if (self->broken != NULL)
    {
      g_propagate_error (error, g_error_copy (self->broken));
      return FALSE;
    }

  if (self->depth == 1)
    {
      /* Written last and outside any savepoint; a failure here is a failed
       * commit like any other (the caller rolls back). */
      if (!_fb_store_index_queue_flush (self, FALSE, error) ||
          !_fb_store_exec_cached (self, "COMMIT", error))
        {
          check_transaction_alive (self);
          return FALSE;
        }

      self->depth = 0;
      end_outermost (self);
      _fb_store_announce_changes (self);
    }
  else
    {
      g_autofree char *sql = savepoint_sql ("RELEASE", self->depth - 1);

      if (!_fb_store_exec_cached (self, sql, error))
        {
          check_transaction_alive (self);
          return FALSE;
        }

      _fb_store_index_queue_release (self);
      self->depth--;
      g_array_set_size (self->queue_marks, self->depth);
      g_array_set_size (self->index_marks, self->depth);
    }

  return TRUE;
}

gboolean
fb_store_with_transaction (FbStore         *self,
                           FbStoreTxnFunc   func,
                           gpointer         user_data,
                           GError         **error)
{
  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!fb_store_begin (self, error))
    return FALSE;

  if (!func (self, user_data, error) || !fb_store_commit (self, error))
    {
      fb_store_rollback (self);
      return FALSE;
    }

  return TRUE;
}
