/* fb-store.c: notes, records and their sync state in one SQLite file */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fb-store.h"
#include "fb-store-private.h"

/* Owns the object (properties, the item-changed signal, the test hooks),
 * the announcement of a transaction's changes at its outermost commit
 * (transactions themselves: fb-store-transaction.c), the person's own edits, and reading items. The other concerns of
 * the same class live in fb-store-*.c (see fb-store-private.h). */

G_DEFINE_FINAL_TYPE (FbStore, fb_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (fb-store-error-quark, fb_store_error)

enum {
  PROP_0,
  PROP_PATH,
  PROP_PENDING_COUNT,
  PROP_CONFLICT_COUNT,
  PROP_READ_ONLY,
  N_PROPS
};

enum {
  ITEM_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* How long a write waits for another program's transaction to end. */
#define DEFAULT_BUSY_TIMEOUT_MS 5000

static guint default_busy_timeout = DEFAULT_BUSY_TIMEOUT_MS;

gint64
_fb_store_now (FbStore *self)
{
  if (self->clock != NULL)
    return self->clock (self->clock_data);

  return g_get_real_time () / G_TIME_SPAN_MILLISECOND;
}

/* ---- Announcing changes ---- */

static GQuark
origin_detail (FbStoreChangeOrigin origin)
{
  switch (origin)
    {
    case FB_STORE_CHANGE_PUSH:
      return g_quark_from_static_string ("push");
    case FB_STORE_CHANGE_PULL:
      return g_quark_from_static_string ("pull");
    case FB_STORE_CHANGE_MERGE:
      return g_quark_from_static_string ("merge");
    case FB_STORE_CHANGE_RESOLUTION:
      return g_quark_from_static_string ("resolution");
    case FB_STORE_CHANGE_LOCAL_EDIT:
    default:
      return g_quark_from_static_string ("local-edit");
    }
}

gboolean
_fb_store_has_listeners (FbStore *self)
{
  static guint item_changed = 0;

  if (item_changed == 0)
    item_changed = g_signal_lookup ("item-changed", FB_TYPE_STORE);

  /* A detail of 0 finds only the handlers connected without one. */
  if (g_signal_has_handler_pending (self, item_changed, 0, TRUE))
    return TRUE;
  for (FbStoreChangeOrigin origin = FB_STORE_CHANGE_LOCAL_EDIT;
       origin <= FB_STORE_CHANGE_RESOLUTION; origin++)
    if (g_signal_has_handler_pending (self, item_changed, origin_detail (origin), TRUE))
      return TRUE;

  return FALSE;
}

/* At the outermost commit: each changed item once, in the order of its
 * last change, then the counts. */
void
_fb_store_announce_changes (FbStore *self)
{
  g_autoptr(GPtrArray) queue = NULL;
  g_autoptr(GArray) origins = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GPtrArray) emit = NULL;
  g_autoptr(GArray) emit_origins = NULL;
  gboolean pending_changed;
  gboolean conflict_changed;

  queue = g_steal_pointer (&self->queue);
  self->queue = g_ptr_array_new_with_free_func (g_object_unref);
  origins = g_steal_pointer (&self->queue_origins);
  self->queue_origins = g_array_new (FALSE, FALSE, sizeof (FbStoreChangeOrigin));

  /* Once per item, with its last snapshot and the origin of that change,
   * in the order of last change. */
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  emit = g_ptr_array_new_with_free_func (g_object_unref);
  emit_origins = g_array_new (FALSE, FALSE, sizeof (FbStoreChangeOrigin));
  for (guint i = queue->len; i > 0; i--)
    {
      FbItem *item = g_ptr_array_index (queue, i - 1);

      if (g_hash_table_add (seen, (gpointer) fb_item_get_id (item)))
        {
          g_ptr_array_add (emit, g_object_ref (item));
          g_array_append_val (emit_origins,
                              g_array_index (origins, FbStoreChangeOrigin, i - 1));
        }
    }

  pending_changed = self->pending_count != self->live_pending;
  conflict_changed = self->conflict_count != self->live_conflict;
  self->pending_count = self->live_pending;
  self->conflict_count = self->live_conflict;

  g_object_ref (self);

  /* Emitted in the order of their last change. */
  for (guint i = 0; i < emit->len / 2; i++)
    {
      gpointer tmp = emit->pdata[i];

      FbStoreChangeOrigin tmp_origin = g_array_index (emit_origins, FbStoreChangeOrigin, i);

      emit->pdata[i] = emit->pdata[emit->len - 1 - i];
      emit->pdata[emit->len - 1 - i] = tmp;
      g_array_index (emit_origins, FbStoreChangeOrigin, i) =
        g_array_index (emit_origins, FbStoreChangeOrigin, emit->len - 1 - i);
      g_array_index (emit_origins, FbStoreChangeOrigin, emit->len - 1 - i) = tmp_origin;
    }
  {
    GPtrArray *outer = self->flushing;
    guint outer_serial = self->flush_serial;
    static guint serials = 0;

    self->flushing = emit;
    self->flush_serial = ++serials;
    for (guint i = 0; i < emit->len; i++)
      g_signal_emit (self, signals[ITEM_CHANGED],
                     origin_detail (g_array_index (emit_origins, FbStoreChangeOrigin, i)),
                     g_ptr_array_index (emit, i));
    self->flushing = outer;
    self->flush_serial = outer_serial;
  }

  if (pending_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING_COUNT]);
  if (conflict_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFLICT_COUNT]);

  g_object_unref (self);
}

/* ---- Local edits ---- */

/* What one local edit writes (the user data of its transaction). */
typedef struct
{
  const char *id;
  const char *collection;
  const char *body;
  JsonObject *body_object; /* @body parsed, when the caller had it */
  gboolean    deleted;
} LocalEdit;

static gboolean
create_in_transaction (FbStore   *self,
                       gpointer   user_data,
                       GError   **error)
{
  const LocalEdit *edit = user_data;

  return _fb_store_insert_new_item (self, edit->id, edit->collection, edit->body,
                                    edit->body_object, error);
}

FbItem *
fb_store_create_item (FbStore     *self,
                      const char  *collection,
                      JsonObject  *body,
                      GError     **error)
{
  g_autofree char *id = NULL;
  g_autofree char *json = NULL;
  LocalEdit edit;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (collection != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_fb_store_check_collection (collection, error))
    return NULL;

  id = g_uuid_string_random ();
  json = fb_body_to_string (body);
  edit = (LocalEdit) { .id = id, .collection = collection, .body = json, .body_object = body };

  if (!fb_store_with_transaction (self, create_in_transaction, &edit, error))
    return NULL;

  return fb_store_get_item (self, id, error);
}

static gboolean
put_item_in_transaction (FbStore   *self,
                         gpointer   user_data,
                         GError   **error)
{
  const LocalEdit *edit = user_data;
  const char *id = edit->id;
  const char *collection = edit->collection;
  const char *body = edit->body;
  g_auto(FbStoreRow) before = { 0, };
  gboolean found;

  if (!_fb_store_load_row (self, id, &before, &found, error))
    return FALSE;

  if (!found)
    return _fb_store_insert_new_item (self, id, collection, body, edit->body_object, error);

  if (g_strcmp0 (before.collection, collection) != 0)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                   _("The item “%s” belongs to another collection"), id);
      return FALSE;
    }

  if (!before.deleted && g_strcmp0 (before.body, body) == 0)
    return TRUE;

  if (!before.deleted &&
      !_fb_store_history_keep (self, &before, FB_HISTORY_KEEP_BEFORE_EDIT, error))
    return FALSE;

  return _fb_store_save_local_edit (self, &before, body, edit->body_object, FALSE, error);
}

FbItem *
fb_store_put_item (FbStore     *self,
                   const char  *id,
                   const char  *collection,
                   JsonObject  *body,
                   GError     **error)
{
  g_autofree char *json = NULL;
  LocalEdit edit;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (collection != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_fb_store_check_id (id, error) || !_fb_store_check_collection (collection, error))
    return NULL;

  json = fb_body_to_string (body);
  edit = (LocalEdit) { .id = id, .collection = collection, .body = json, .body_object = body };
  if (!fb_store_with_transaction (self, put_item_in_transaction, &edit, error))
    return NULL;

  return fb_store_get_item (self, id, error);
}

static gboolean
update_item_in_transaction (FbStore   *self,
                            gpointer   user_data,
                            GError   **error)
{
  const LocalEdit *edit = user_data;
  const char *id = edit->id;
  const char *body = edit->body;
  g_auto(FbStoreRow) before = { 0, };
  g_autoptr(JsonObject) before_object = NULL;

  if (!_fb_store_load_live_row (self, id, &before, error))
    return FALSE;

  /* Saving what is already there is not an edit: nothing to push. The
   * stored body is parsed once, for this and for taking its text out of
   * the index; the new one is not parsed at all. */
  if (g_strcmp0 (before.body, body) == 0)
    return TRUE;
  before_object = fb_body_from_string (before.body, NULL);
  if (before_object != NULL && fb_body_equal (before_object, edit->body_object))
    return TRUE;
  before.body_object = before_object;

  return _fb_store_history_keep (self, &before, FB_HISTORY_KEEP_BEFORE_EDIT, error) &&
         _fb_store_save_local_edit (self, &before, body, edit->body_object, FALSE, error);
}

gboolean
_fb_store_save_local_body (FbStore           *self,
                           const FbStoreRow  *before,
                           const char        *body,
                           GError           **error)
{
  return _fb_store_history_keep (self, before, FB_HISTORY_KEEP_BEFORE_EDIT, error) &&
         _fb_store_save_local_edit (self, before, body, NULL, FALSE, error);
}

gboolean
fb_store_update_item (FbStore     *self,
                      const char  *id,
                      JsonObject  *body,
                      GError     **error)
{
  g_autofree char *json = NULL;
  LocalEdit edit;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  json = fb_body_to_string (body);
  edit = (LocalEdit) { .id = id, .body = json, .body_object = body };

  return fb_store_with_transaction (self, update_item_in_transaction, &edit, error);
}

static gboolean
set_deleted_in_transaction (FbStore   *self,
                            gpointer   user_data,
                            GError   **error)
{
  const LocalEdit *edit = user_data;
  const char *id = edit->id;
  gboolean deleted = edit->deleted;
  g_auto(FbStoreRow) before = { 0, };

  if (!_fb_store_load_existing_row (self, id, &before, error))
    return FALSE;

  if (before.deleted == deleted)
    return TRUE;

  /* The tombstone keeps its body, so restoring brings it back whole; until
   * then it is in the Trash. */
  if (deleted && !_fb_store_trash_add (self, id, error))
    return FALSE;

  return _fb_store_save_local_edit (self, &before, before.body, NULL, deleted, error);
}

gboolean
fb_store_delete_item (FbStore     *self,
                      const char  *id,
                      GError     **error)
{
  LocalEdit edit = { .id = id, .deleted = TRUE };

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fb_store_with_transaction (self, set_deleted_in_transaction, &edit, error);
}

gboolean
fb_store_restore_item (FbStore     *self,
                       const char  *id,
                       GError     **error)
{
  LocalEdit edit = { .id = id, .deleted = FALSE };

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fb_store_with_transaction (self, set_deleted_in_transaction, &edit, error);
}

/* ---- Duplicating ---- */

typedef struct
{
  const char *id;
  char       *new_id;
  guint       n_left_out;
} Duplicate;

static gboolean
duplicate_in_transaction (FbStore   *self,
                          gpointer   user_data,
                          GError   **error)
{
  Duplicate *duplicate = user_data;
  g_auto(FbStoreRow) row = { 0, };
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *title = NULL;
  const char *old_title;

  if (!_fb_store_load_existing_row (self, duplicate->id, &row, error))
    return FALSE;
  if (row.deleted)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND,
                   _("The item “%s” is in the Trash"), duplicate->id);
      return FALSE;
    }
  body = fb_body_from_string (row.body, error);
  if (body == NULL)
    return FALSE;

  /* The copy says what it is, and starts unpinned. Its attachments name
   * the same files, which the store keeps once. */
  old_title = fb_body_get_string (body, "title");
  if (*old_title == '\0')
    title = g_strdup (_("Untitled (copy)"));
  else
    /* TRANSLATORS: the title of a duplicated item; %s is the item's title */
    title = g_strdup_printf (_("%s (copy)"), old_title);
  json_object_set_string_member (body, "title", title);
  json_object_remove_member (body, "pinned");

  duplicate->new_id = g_uuid_string_random ();
  return _fb_store_insert_copy (self, duplicate->new_id, row.collection, body,
                                &duplicate->n_left_out, error);
}

FbItem *
fb_store_duplicate_item (FbStore     *self,
                         const char  *id,
                         guint       *n_left_out,
                         GError     **error)
{
  Duplicate duplicate = { .id = id };
  g_autofree char *new_id = NULL;
  gboolean done;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  done = fb_store_with_transaction (self, duplicate_in_transaction, &duplicate, error);
  new_id = duplicate.new_id;
  if (!done)
    return NULL;
  if (n_left_out != NULL)
    *n_left_out = duplicate.n_left_out;
  return fb_store_get_item (self, new_id, error);
}

/* ---- Reading ---- */

FbItem *
fb_store_get_item (FbStore     *self,
                   const char  *id,
                   GError     **error)
{
  g_auto(FbStoreRow) row = { 0, };

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_fb_store_load_existing_row (self, id, &row, error))
    return NULL;

  return _fb_item_new_take_row (&row);
}

/* Collects every row of a bound statement selecting FB_ITEM_COLUMNS (and
 * optionally a rank after them). */
GPtrArray *
_fb_store_collect_items (FbStore       *self,
                         sqlite3_stmt  *stmt,
                         GArray        *ranks,
                         GError       **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_auto(FbStoreRow) row = { 0, };

      _fb_store_row_from_stmt (stmt, &row);
      g_ptr_array_add (items, _fb_item_new_take_row (&row));
      if (ranks != NULL)
        {
          double rank = sqlite3_column_double (stmt, FB_ITEM_N_COLUMNS);

          g_array_append_val (ranks, rank);
        }
    }

  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return NULL;
    }

  return g_steal_pointer (&items);
}

GPtrArray *
fb_store_list_items (FbStore     *self,
                     const char  *collection,
                     GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (collection != NULL)
    {
      stmt = _fb_store_get_stmt (self,
                                 "SELECT " FB_ITEM_COLUMNS " FROM items "
                                 "WHERE collection = ?1 AND deleted = 0 "
                                 "ORDER BY updated_at DESC, id",
                                 error);
      if (stmt != NULL)
        bind_text (stmt, 1, collection);
    }
  else
    {
      stmt = _fb_store_get_stmt (self,
                                 "SELECT " FB_ITEM_COLUMNS " FROM items "
                                 "WHERE deleted = 0 ORDER BY updated_at DESC, id",
                                 error);
    }

  if (stmt == NULL)
    return NULL;

  return _fb_store_collect_items (self, stmt, NULL, error);
}

GPtrArray *
_fb_store_get_flushing (FbStore *self,
                        guint   *serial)
{
  g_return_val_if_fail (FB_IS_STORE (self), NULL);

  *serial = self->flush_serial;

  return self->flushing;
}

guint
fb_store_get_pending_count (FbStore *self)
{
  g_return_val_if_fail (FB_IS_STORE (self), 0);

  return self->pending_count;
}

guint
fb_store_get_conflict_count (FbStore *self)
{
  g_return_val_if_fail (FB_IS_STORE (self), 0);

  return self->conflict_count;
}

GPtrArray *
fb_store_list_conflicts (FbStore  *self,
                         GError  **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = _fb_store_get_stmt (self,
                             "SELECT " FB_ITEM_COLUMNS " FROM items "
                             "WHERE state = 'conflict' ORDER BY local_seq, id",
                             error);
  if (stmt == NULL)
    return NULL;

  return _fb_store_collect_items (self, stmt, NULL, error);
}

/* ---- Opening ---- */

char *
fb_store_get_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "fieldbook", "fieldbook.db", NULL);
}

FbStore *
fb_store_new (const char  *path,
              GError     **error)
{
  g_autoptr(FbStore) self = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (FB_TYPE_STORE, "path", path, NULL);
  if (!_fb_store_open_database (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
fb_store_get_path (FbStore *self)
{
  g_return_val_if_fail (FB_IS_STORE (self), NULL);

  return self->path;
}

gboolean
fb_store_get_read_only (FbStore *self)
{
  g_return_val_if_fail (FB_IS_STORE (self), FALSE);

  return self->read_only != NULL;
}

const GError *
fb_store_get_read_only_error (FbStore *self)
{
  g_return_val_if_fail (FB_IS_STORE (self), NULL);

  return self->read_only;
}

gboolean
fb_store_reopen_writable (FbStore  *self,
                          GError  **error)
{
  g_autoptr(GError) read_error = NULL;
  guint pending_count = self->pending_count;
  guint conflict_count = self->conflict_count;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->depth == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->read_only == NULL)
    return TRUE;

  /* The reader goes first: connections of one process share the -shm
   * state, and a writer would inherit the reader's read-only one. */
  _fb_store_close_database (self);
  if (!_fb_store_open_writable (self, error))
    {
      _fb_store_close_database (self);
      if (!_fb_store_open_read_only (self, &read_error))
        g_critical ("Cannot open %s for reading again: %s", self->path, read_error->message);
      return FALSE;
    }

  g_clear_error (&self->read_only);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ONLY]);
  if (self->pending_count != pending_count)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING_COUNT]);
  if (self->conflict_count != conflict_count)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFLICT_COUNT]);

  return TRUE;
}

/* ---- Test hooks ---- */

sqlite3 *
_fb_store_get_db (FbStore *self)
{
  g_return_val_if_fail (FB_IS_STORE (self), NULL);

  return self->db;
}

void
_fb_store_set_clock (FbStore          *self,
                     FbStoreClockFunc  func,
                     gpointer          user_data)
{
  g_return_if_fail (FB_IS_STORE (self));

  self->clock = func;
  self->clock_data = user_data;
}

void
_fb_store_set_busy_timeout (FbStore *self,
                            guint    ms)
{
  g_return_if_fail (FB_IS_STORE (self));

  self->busy_timeout = ms;
  if (self->db != NULL)
    sqlite3_busy_timeout (self->db, ms);
}

void
_fb_store_set_default_busy_timeout (guint ms)
{
  default_busy_timeout = ms;
}

/* ---- GObject ---- */

static void
fb_store_dispose (GObject *object)
{
  FbStore *self = FB_STORE (object);

  if (self->depth > 0)
    {
      g_warning ("FbStore disposed inside a transaction: rolling it back");
      while (self->depth > 0)
        fb_store_rollback (self);
    }
  if (self->merge_source != NULL)
    g_source_destroy (self->merge_source);
  g_clear_pointer (&self->merge_source, g_source_unref);

  G_OBJECT_CLASS (fb_store_parent_class)->dispose (object);
}

static void
fb_store_finalize (GObject *object)
{
  FbStore *self = FB_STORE (object);

  _fb_store_checkpoint_wait (self);
  if (self->checkpoint_db != NULL)
    sqlite3_close_v2 (self->checkpoint_db);
  self->checkpoint_db = NULL;
  g_mutex_clear (&self->checkpoint_lock);
  g_cond_clear (&self->checkpoint_cond);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  self->db = NULL;
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->device_id, g_free);
  g_clear_pointer (&self->queue, g_ptr_array_unref);
  g_clear_pointer (&self->queue_origins, g_array_unref);
  g_clear_pointer (&self->queue_marks, g_array_unref);
  g_clear_pointer (&self->index_queue, g_array_unref);
  g_clear_pointer (&self->index_marks, g_array_unref);
  g_clear_error (&self->broken);
  g_clear_error (&self->last_error);
  g_clear_error (&self->read_only);

  G_OBJECT_CLASS (fb_store_parent_class)->finalize (object);
}

static void
fb_store_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  FbStore *self = FB_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_PENDING_COUNT:
      g_value_set_uint (value, self->pending_count);
      break;
    case PROP_CONFLICT_COUNT:
      g_value_set_uint (value, self->conflict_count);
      break;
    case PROP_READ_ONLY:
      g_value_set_boolean (value, self->read_only != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_store_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  FbStore *self = FB_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      if (self->path == NULL)
        self->path = fb_store_get_default_path ();
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_store_class_init (FbStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fb_store_dispose;
  object_class->finalize = fb_store_finalize;
  object_class->get_property = fb_store_get_property;
  object_class->set_property = fb_store_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING_COUNT] =
    g_param_spec_uint ("pending-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);
  properties[PROP_CONFLICT_COUNT] =
    g_param_spec_uint ("conflict-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);

  properties[PROP_READ_ONLY] =
    g_param_spec_boolean ("read-only", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ITEM_CHANGED] =
    g_signal_new ("item-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL,
                  g_cclosure_marshal_VOID__OBJECT,
                  G_TYPE_NONE, 1, FB_TYPE_ITEM);
}

static void
finalize_stmt_cb (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
fb_store_init (FbStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            finalize_stmt_cb);
  self->queue = g_ptr_array_new_with_free_func (g_object_unref);
  self->queue_origins = g_array_new (FALSE, FALSE, sizeof (FbStoreChangeOrigin));
  self->queue_marks = g_array_new (FALSE, FALSE, sizeof (guint));
  self->index_queue = _fb_store_index_queue_new ();
  self->index_marks = g_array_new (FALSE, FALSE, sizeof (guint));
  self->busy_timeout = default_busy_timeout;
  g_mutex_init (&self->checkpoint_lock);
  g_cond_init (&self->checkpoint_cond);
}
