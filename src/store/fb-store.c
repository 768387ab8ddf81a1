/* fb-store.c: notes, records and their sync state in one SQLite file */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fb-store.h"
#include "fb-store-private.h"

struct _FbStore
{
  GObject           parent_instance;

  char             *path;
  sqlite3          *db;
  char             *device_id;
  /* Why the database is open for reading only; NULL when writable. */
  GError           *read_only;

  /* SQL text → sqlite3_stmt, prepared once and kept for the store's life. */
  GHashTable       *statements;

  /* Transactions: depth 0 is none, 1 a BEGIN, deeper ones savepoints. */
  guint             depth;
  /* Set when SQLite rolled the whole transaction back by itself (disk
   * full, I/O error): everything up to the outermost level is gone. */
  GError           *broken;
  /* The last error SQLite reported, to say why a transaction was lost. */
  GError           *last_error;
  /* Snapshots waiting for the outermost commit, and the queue length when
   * each level began, so a rolled back savepoint drops only its own. */
  GPtrArray        *queue;
  GArray           *queue_marks;
  /* Full-text index updates waiting for the outermost commit, and the
   * queue length when each level began (see _fb_store_index_queue_flush ()). */
  GArray           *index_queue;
  GArray           *index_marks;
  /* Set once the index queue was written ahead of the commit (for a search
   * inside the transaction): from then on every entry replaces its row. */
  gboolean          index_written_early;
  /* The snapshots being announced right now, and which announcement. */
  GPtrArray        *flushing;
  guint             flush_serial;

  /* Counts as of the last commit (what the properties say), and as of now
   * inside the current transaction. */
  guint             pending_count;
  guint             conflict_count;
  guint             live_pending;
  guint             live_conflict;

  /* WAL checkpoints run on a worker with a connection of its own (see
   * wal_hook_cb ()); @checkpoint_lock guards the two flags. */
  GMutex            checkpoint_lock;
  GCond             checkpoint_cond;
  gboolean          checkpoint_running;
  gboolean          checkpoint_unavailable;
  sqlite3          *checkpoint_db;

  guint             busy_timeout;
  FbStoreClockFunc  clock;
  gpointer          clock_data;
};

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

static guint default_busy_timeout = 5000;

/* Weights of the title, text and extra (record field values, tags)
 * columns of the full-text index: a word in the title counts most. */
#define BM25 "bm25(items_fts, 5.0, 1.0, 2.0)"

/* ---- Errors ---- */

static void set_sqlite_error_internal (FbStore  *self,
                                       GError  **error,
                                       int       rc);

void
_fb_store_set_sqlite_error (FbStore  *self,
                            GError  **error,
                            int       rc)
{
  g_clear_error (&self->last_error);
  if (self->read_only != NULL && (rc & 0xff) == SQLITE_READONLY)
    self->last_error = g_error_copy (self->read_only);
  else
    set_sqlite_error_internal (self, &self->last_error, rc);
  if (error != NULL)
    *error = g_error_copy (self->last_error);
}

static void
set_sqlite_error_internal (FbStore  *self,
                           GError  **error,
                           int       rc)
{
  const char *path = self->path != NULL ? self->path : "";
  const char *detail = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  if (self->db != NULL && sqlite3_system_errno (self->db) == ENOSPC)
    rc = SQLITE_FULL;

  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_BUSY,
                   _("Another program is using the database “%s”: close it and try again"),
                   path);
      break;
    case SQLITE_FULL:
      g_set_error_literal (error, FB_STORE_ERROR, FB_STORE_ERROR_FULL,
                           _("The disk is full: your last change was not saved"));
      break;
    case SQLITE_NOTADB:
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_A_DATABASE,
                   _("The database file “%s” is not a Fieldbook database"),
                   path);
      break;
    case SQLITE_CORRUPT:
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_CORRUPT,
                   _("The database file “%s” is damaged"),
                   path);
      break;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_OPEN,
                   _("Cannot open the database file “%s”: %s"),
                   path, detail);
      break;
    case SQLITE_READONLY:
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_OPEN,
                   _("The database file “%s” cannot be written to: %s"),
                   path, detail);
      break;
    case SQLITE_IOERR:
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_FAILED,
                   _("Could not read or write the database file “%s”: %s"),
                   path, detail);
      break;
    default:
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_FAILED,
                   _("The database reported an error: %s"),
                   detail);
      break;
    }
}

gboolean
_fb_store_set_not_found (GError     **error,
                         const char  *id)
{
  g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND,
               _("The item “%s” does not exist"), id);
  return FALSE;
}

/* ---- Statements ---- */

FbCachedStmt *
_fb_store_get_stmt (FbStore     *self,
                    const char  *sql,
                    GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);

  return stmt;
}

/* Steps a statement that returns no rows (or whose rows do not matter). */
gboolean
_fb_store_step_done (FbStore       *self,
                     sqlite3_stmt  *stmt,
                     GError       **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;

  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  return TRUE;
}

/* SQLITE_ROW → TRUE with *has_row; SQLITE_DONE → TRUE without; else FALSE. */
gboolean
_fb_store_step_row (FbStore       *self,
                    sqlite3_stmt  *stmt,
                    gboolean      *has_row,
                    GError       **error)
{
  int rc = sqlite3_step (stmt);

  *has_row = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;

  _fb_store_set_sqlite_error (self, error, rc);
  return FALSE;
}

gboolean
_fb_store_exec_cached (FbStore     *self,
                       const char  *sql,
                       GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = _fb_store_get_stmt (self, sql, error);

  return stmt != NULL && _fb_store_step_done (self, stmt, error);
}

/* For one-off statements (schema changes): not worth caching. */
gboolean
_fb_store_exec_once (FbStore     *self,
                     const char  *sql,
                     GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  return TRUE;
}


gint64
_fb_store_now (FbStore *self)
{
  if (self->clock != NULL)
    return self->clock (self->clock_data);

  return g_get_real_time () / 1000;
}

/* ---- Rows ---- */

void
_fb_store_row_clear (FbStoreRow *row)
{
  g_clear_pointer (&row->id, g_free);
  g_clear_pointer (&row->collection, g_free);
  g_clear_pointer (&row->body, g_free);
  g_clear_pointer (&row->base_rev, g_free);
  g_clear_pointer (&row->base_body, g_free);
  g_clear_pointer (&row->server_rev, g_free);
  g_clear_pointer (&row->server_body, g_free);
  g_clear_pointer (&row->sync_error, g_free);
}

void
_fb_store_row_copy (const FbStoreRow  *src,
                    FbStoreRow        *dest)
{
  *dest = *src;
  dest->id = g_strdup (src->id);
  dest->collection = g_strdup (src->collection);
  dest->body = g_strdup (src->body);
  dest->base_rev = g_strdup (src->base_rev);
  dest->base_body = g_strdup (src->base_body);
  dest->server_rev = g_strdup (src->server_rev);
  dest->server_body = g_strdup (src->server_body);
  dest->sync_error = g_strdup (src->sync_error);
  dest->body_object = NULL;
  dest->base_body_object = NULL;
}

void
_fb_store_set_string (char       **field,
                      const char  *value)
{
  if (*field != value)
    {
      g_free (*field);
      *field = g_strdup (value);
    }
}

char *
_fb_store_column_dup (sqlite3_stmt *stmt,
                      int           col)
{
  const unsigned char *text = sqlite3_column_text (stmt, col);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/* TRUE unless SQLite failed; *found says whether the row exists. */
gboolean
_fb_store_load_row (FbStore     *self,
                    const char  *id,
                    FbStoreRow  *row,
                    gboolean    *found,
                    GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  stmt = _fb_store_get_stmt (self, "SELECT " FB_ITEM_COLUMNS " FROM items WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  if (!_fb_store_step_row (self, stmt, found, error))
    return FALSE;
  if (!*found)
    return TRUE;

  row->rowid = sqlite3_column_int64 (stmt, 0);
  row->id = _fb_store_column_dup (stmt, 1);
  row->collection = _fb_store_column_dup (stmt, 2);
  row->body = _fb_store_column_dup (stmt, 3);
  row->deleted = sqlite3_column_int (stmt, 4) != 0;
  row->created_at = sqlite3_column_int64 (stmt, 5);
  row->updated_at = sqlite3_column_int64 (stmt, 6);
  row->state = _fb_item_state_from_string ((const char *) sqlite3_column_text (stmt, 7));
  row->local_seq = sqlite3_column_int64 (stmt, 8);
  row->base_rev = _fb_store_column_dup (stmt, 9);
  row->base_body = _fb_store_column_dup (stmt, 10);
  row->server_rev = _fb_store_column_dup (stmt, 11);
  row->server_body = _fb_store_column_dup (stmt, 12);
  row->server_deleted = sqlite3_column_int (stmt, 13) != 0;
  row->sync_error = _fb_store_column_dup (stmt, 14);

  return TRUE;
}

gboolean
_fb_store_load_existing_row (FbStore     *self,
                             const char  *id,
                             FbStoreRow  *row,
                             GError     **error)
{
  gboolean found;

  if (!_fb_store_load_row (self, id, row, &found, error))
    return FALSE;
  if (!found)
    return _fb_store_set_not_found (error, id);

  return TRUE;
}

/* The next value of the database-wide edit counter: pending items ordered
 * by local_seq are in the order they were edited. (No RETURNING: SQLite
 * runs it through a temporary table, a costly allocation per write.) */
gboolean
_fb_store_next_local_seq (FbStore  *self,
                          gint64   *seq,
                          GError  **error)
{
  g_autoptr(FbCachedStmt) bump = NULL;
  g_autoptr(FbCachedStmt) read = NULL;
  gboolean has_row;

  bump = _fb_store_get_stmt (self,
                             "UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
                             "WHERE key = 'local_seq'",
                             error);
  if (bump == NULL || !_fb_store_step_done (self, bump, error))
    return FALSE;

  read = _fb_store_get_stmt (self,
                             "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'local_seq'",
                             error);
  if (read == NULL || !_fb_store_step_row (self, read, &has_row, error))
    return FALSE;

  g_assert (has_row);
  *seq = sqlite3_column_int64 (read, 0);

  return TRUE;
}

static void
account_state (FbStore *self,
               int      old_state,
               int      new_state)
{
  if (old_state == new_state)
    return;

  if (old_state == FB_ITEM_STATE_PENDING)
    self->live_pending--;
  else if (old_state == FB_ITEM_STATE_CONFLICT)
    self->live_conflict--;

  if (new_state == FB_ITEM_STATE_PENDING)
    self->live_pending++;
  else if (new_state == FB_ITEM_STATE_CONFLICT)
    self->live_conflict++;
}

gboolean
_fb_store_load_counts (FbStore  *self,
                       guint    *pending,
                       guint    *conflict,
                       GError  **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  int rc;

  stmt = _fb_store_get_stmt (self,
                             "SELECT state, count(*) FROM items "
                             "WHERE state IN ('pending', 'conflict') GROUP BY state",
                             error);
  if (stmt == NULL)
    return FALSE;

  *pending = *conflict = 0;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FbItemState state = _fb_item_state_from_string ((const char *) sqlite3_column_text (stmt, 0));

      if (state == FB_ITEM_STATE_PENDING)
        *pending = sqlite3_column_int (stmt, 1);
      else if (state == FB_ITEM_STATE_CONFLICT)
        *conflict = sqlite3_column_int (stmt, 1);
    }

  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  return TRUE;
}

void
_fb_store_reload_live_counts (FbStore *self)
{
  g_autoptr(GError) error = NULL;

  if (!_fb_store_load_counts (self, &self->live_pending, &self->live_conflict, &error))
    g_warning ("Could not count pending items: %s", error->message);
}

/* ---- Full-text index ---- */

/* unicode61 keeps a run of Han, kana or Hangul as one token, so "京都" would
 * not find "東京都庁". Each such character becomes a token of its own, and a
 * query becomes a phrase of characters: any substring is found. */
static gboolean
is_cjk (gunichar c)
{
  switch (g_unichar_get_script (c))
    {
    case G_UNICODE_SCRIPT_HAN:
    case G_UNICODE_SCRIPT_HIRAGANA:
    case G_UNICODE_SCRIPT_KATAKANA:
    case G_UNICODE_SCRIPT_HANGUL:
    case G_UNICODE_SCRIPT_BOPOMOFO:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The first character that can be CJK is U+1100 (Hangul Jamo): text whose
 * bytes are all below 0xE1 (the lead byte of U+1000…U+1FFF) has none. */
static gboolean
may_contain_cjk (const char *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    if (*p >= 0xE1)
      return TRUE;

  return FALSE;
}

static void
append_for_index (GString    *out,
                  const char *text)
{
  const char *p;
  gsize len = 0;

  if (text == NULL)
    return;

  /* Plain ASCII (most text) is valid UTF-8 and holds no CJK: one pass. */
  while (text[len] != '\0' && (guchar) text[len] < 0x80)
    len++;
  if (text[len] == '\0')
    {
      g_string_append_len (out, text, len);
      return;
    }

  if (!g_utf8_validate (text, -1, NULL))
    return;

  if (!may_contain_cjk (text))
    {
      g_string_append (out, text);
      return;
    }

  for (p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_cjk (c))
        {
          g_string_append_c (out, ' ');
          g_string_append_unichar (out, c);
          g_string_append_c (out, ' ');
        }
      else
        {
          g_string_append_unichar (out, c);
        }
    }
}

static void
append_node_for_index (GString  *out,
                       JsonNode *node)
{
  if (node == NULL)
    return;

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        append_for_index (out, json_node_get_string (node));
      else if (type == G_TYPE_INT64)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
      else if (type == G_TYPE_DOUBLE)
        g_string_append_printf (out, "%g", json_node_get_double (node));
      else
        return;
      g_string_append_c (out, '\n');
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        append_node_for_index (out, json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *member;
      JsonNode *value;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &member, &value))
        append_node_for_index (out, value);
    }
}

static char *
index_text_of (JsonObject *body,
               const char *member)
{
  GString *out = g_string_new (NULL);
  JsonNode *node = json_object_get_member (body, member);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    append_for_index (out, json_node_get_string (node));

  return g_string_free (out, FALSE);
}

/* What the full-text index holds for one row: NULL title for none. */
typedef struct
{
  gint64   rowid;
  char    *title;
  char    *text;
  char    *extra;
  /* The index may already have a row for @rowid (an update or a purge). */
  gboolean replace;
} IndexEntry;

static void
index_entry_clear (IndexEntry *entry)
{
  g_clear_pointer (&entry->title, g_free);
  g_clear_pointer (&entry->text, g_free);
  g_clear_pointer (&entry->extra, g_free);
}

/* Fills @entry from @body (parsed from @body_json when NULL); a deleted or
 * unreadable body is indexed as nothing. */
static void
index_entry_init (IndexEntry  *entry,
                  gint64       rowid,
                  const char  *body_json,
                  JsonObject  *body,
                  gboolean     deleted,
                  gboolean     replace)
{
  g_autoptr(JsonObject) parsed = NULL;
  GString *extra;

  memset (entry, 0, sizeof *entry);
  entry->rowid = rowid;
  entry->replace = replace;

  if (deleted)
    return;
  if (body == NULL && body_json != NULL)
    body = parsed = fb_body_from_string (body_json, NULL);
  if (body == NULL)
    return;

  entry->title = index_text_of (body, "title");
  entry->text = index_text_of (body, "text");
  extra = g_string_new (NULL);
  append_node_for_index (extra, json_object_get_member (body, "fields"));
  append_node_for_index (extra, json_object_get_member (body, "tags"));
  entry->extra = g_string_free (extra, FALSE);
}

static gboolean
index_entry_write (FbStore           *self,
                   const IndexEntry  *entry,
                   gboolean           replace,
                   GError           **error)
{
  g_autoptr(FbCachedStmt) insert = NULL;

  if (replace)
    {
      g_autoptr(FbCachedStmt) remove = NULL;

      remove = _fb_store_get_stmt (self, "DELETE FROM items_fts WHERE rowid = ?1", error);
      if (remove == NULL)
        return FALSE;
      sqlite3_bind_int64 (remove, 1, entry->rowid);
      if (!_fb_store_step_done (self, remove, error))
        return FALSE;
    }

  if (entry->title == NULL)
    return TRUE;

  insert = _fb_store_get_stmt (self,
                               "INSERT INTO items_fts (rowid, title, text, extra) "
                               "VALUES (?1, ?2, ?3, ?4)",
                               error);
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_int64 (insert, 1, entry->rowid);
  sqlite3_bind_text (insert, 2, entry->title, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 3, entry->text, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 4, entry->extra, -1, SQLITE_STATIC);

  return _fb_store_step_done (self, insert, error);
}

/* Indexes one row now (migrations). */
gboolean
_fb_store_index_row (FbStore     *self,
                     gint64       rowid,
                     const char  *body_json,
                     gboolean     deleted,
                     GError     **error)
{
  IndexEntry entry;
  gboolean ok;

  index_entry_init (&entry, rowid, body_json, NULL, deleted, TRUE);
  ok = index_entry_write (self, &entry, TRUE, error);
  index_entry_clear (&entry);

  return ok;
}

/* Inside a transaction, index updates wait for the outermost commit and
 * are written there in one go, outside every savepoint: FTS5 (before
 * SQLite 3.44) writes its pending terms to disk at each savepoint, so
 * indexing inside each write's own savepoint made every write flush a
 * tiny index segment. An entry is queued only once its write succeeded,
 * and a rolled back level drops its own entries, like the snapshots. */
void
_fb_store_index_queue (FbStore     *self,
                       gint64       rowid,
                       const char  *body_json,
                       JsonObject  *body,
                       gboolean     deleted,
                       gboolean     replace)
{
  IndexEntry entry;

  g_assert (self->depth > 0);

  index_entry_init (&entry, rowid, body_json, body, deleted, replace);
  g_array_append_val (self->index_queue, entry);
}

/* Writes the queued index updates. With @keep the queue stays (a search
 * inside the transaction wants the index up to date, but a savepoint may
 * still be rolled back and the commit writes them again): every entry is
 * idempotent, replacing whatever the index holds for its row. */
gboolean
_fb_store_index_queue_flush (FbStore  *self,
                             gboolean  keep,
                             GError  **error)
{
  if (keep)
    self->index_written_early = TRUE;

  for (guint i = 0; i < self->index_queue->len; i++)
    {
      const IndexEntry *entry = &g_array_index (self->index_queue, IndexEntry, i);

      if (!index_entry_write (self, entry, entry->replace || self->index_written_early, error))
        {
          /* Some entries may be written: a second try replaces them. */
          self->index_written_early = TRUE;
          return FALSE;
        }
    }

  if (!keep)
    g_array_set_size (self->index_queue, 0);

  return TRUE;
}

/* Before a search inside a transaction. */
static void
index_queue_flush_early (FbStore *self)
{
  g_autoptr(GError) error = NULL;

  if (self->depth == 0 || self->index_queue->len == 0 || self->broken != NULL)
    return;

  if (!_fb_store_index_queue_flush (self, TRUE, &error))
    g_warning ("Could not update the search index: %s", error->message);
}

gboolean
_fb_store_query_is_blank (const char *query)
{
  if (query == NULL)
    return TRUE;

  for (const char *p = query; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;

  return TRUE;
}

static gboolean
has_word_characters (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isalnum (g_utf8_get_char (p)))
      return TRUE;

  return FALSE;
}

/* What a person typed, as FTS5 syntax that cannot fail to parse: each word
 * a quoted phrase (quotes doubled) matched as a prefix, all words required.
 * NULL when nothing searchable is left. */
char *
_fb_store_build_match_expression (const char *query)
{
  g_auto(GStrv) words = NULL;
  GString *match = g_string_new (NULL);
  g_autofree char *spaced = NULL;

  if (query == NULL || !g_utf8_validate (query, -1, NULL))
    return g_string_free (match, TRUE);

  words = g_strsplit_set (query, " \t\n\r\f\v", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autoptr(GString) word = NULL;

      if (!has_word_characters (words[i]))
        continue;

      word = g_string_new (NULL);
      append_for_index (word, words[i]);
      g_string_replace (word, "\"", "\"\"", 0);

      if (match->len > 0)
        g_string_append_c (match, ' ');
      g_string_append_printf (match, "\"%s\"*", word->str);
    }

  if (match->len == 0)
    return g_string_free (match, TRUE);

  return g_string_free (match, FALSE);
}

/* ---- Transactions and signals ---- */

static void
flush_queue (FbStore *self)
{
  g_autoptr(GPtrArray) queue = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GPtrArray) emit = NULL;
  gboolean pending_changed;
  gboolean conflict_changed;

  queue = g_steal_pointer (&self->queue);
  self->queue = g_ptr_array_new_with_free_func (g_object_unref);

  /* Once per item, with its last snapshot, in the order of last change. */
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  emit = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = queue->len; i > 0; i--)
    {
      FbItem *item = g_ptr_array_index (queue, i - 1);

      if (g_hash_table_add (seen, (gpointer) fb_item_get_id (item)))
        g_ptr_array_add (emit, g_object_ref (item));
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

      emit->pdata[i] = emit->pdata[emit->len - 1 - i];
      emit->pdata[emit->len - 1 - i] = tmp;
    }
  {
    GPtrArray *outer = self->flushing;
    guint outer_serial = self->flush_serial;
    static guint serials = 0;

    self->flushing = emit;
    self->flush_serial = ++serials;
    for (guint i = 0; i < emit->len; i++)
      g_signal_emit (self, signals[ITEM_CHANGED], 0, g_ptr_array_index (emit, i));
    self->flushing = outer;
    self->flush_serial = outer_serial;
  }

  if (pending_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING_COUNT]);
  if (conflict_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFLICT_COUNT]);

  g_object_unref (self);
}

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
  self->index_written_early = FALSE;
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
  g_array_set_size (self->index_queue,
                    self->broken != NULL ? 0 : g_array_index (self->index_marks, guint, level));

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
      flush_queue (self);
    }
  else
    {
      g_autofree char *sql = savepoint_sql ("RELEASE", self->depth - 1);

      if (!_fb_store_exec_cached (self, sql, error))
        {
          check_transaction_alive (self);
          return FALSE;
        }

      self->depth--;
      g_array_set_size (self->queue_marks, self->depth);
      g_array_set_size (self->index_marks, self->depth);
    }

  return TRUE;
}

/* ---- Writing rows ---- */

static void
queue_snapshot (FbStore           *self,
                const FbStoreRow  *row,
                gboolean           purged)
{
  g_ptr_array_add (self->queue, _fb_item_new_from_row (row, purged));
}

/* Writes @after (inserting it if @before is NULL), keeps the full-text
 * index and the counts in step, and queues the new snapshot. */
gboolean
_fb_store_save_row (FbStore           *self,
                    const FbStoreRow  *before,
                    FbStoreRow        *after,
                    GError           **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  g_assert (self->depth > 0);

  /* Plain INSERT or UPDATE: an upsert costs SQLite a temporary b-tree. */
  if (before == NULL)
    stmt = _fb_store_get_stmt (self,
                               "INSERT INTO items (id, collection, body, deleted, created_at, "
                               "  updated_at, state, local_seq, base_rev, base_body, server_rev, "
                               "  server_body, server_deleted, sync_error) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                               error);
  else
    stmt = _fb_store_get_stmt (self,
                               "UPDATE items SET collection = ?2, body = ?3, deleted = ?4, "
                               "  created_at = ?5, updated_at = ?6, state = ?7, local_seq = ?8, "
                               "  base_rev = ?9, base_body = ?10, server_rev = ?11, "
                               "  server_body = ?12, server_deleted = ?13, sync_error = ?14 "
                               "WHERE id = ?1",
                               error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, after->id);
  bind_text (stmt, 2, after->collection);
  bind_text (stmt, 3, after->body);
  sqlite3_bind_int (stmt, 4, after->deleted ? 1 : 0);
  sqlite3_bind_int64 (stmt, 5, after->created_at);
  sqlite3_bind_int64 (stmt, 6, after->updated_at);
  bind_text (stmt, 7, _fb_item_state_to_string (after->state));
  sqlite3_bind_int64 (stmt, 8, after->local_seq);
  bind_text (stmt, 9, after->base_rev);
  bind_text (stmt, 10, after->base_body);
  bind_text (stmt, 11, after->server_rev);
  bind_text (stmt, 12, after->server_body);
  sqlite3_bind_int (stmt, 13, after->server_deleted ? 1 : 0);
  bind_text (stmt, 14, after->sync_error);

  if (!_fb_store_step_done (self, stmt, error))
    return FALSE;
  /* An update keeps its rowid: the full-text index is keyed by it. */
  after->rowid = before != NULL ? before->rowid : sqlite3_last_insert_rowid (self->db);

  if (before == NULL ||
      before->deleted != after->deleted ||
      g_strcmp0 (before->body, after->body) != 0)
    _fb_store_index_queue (self, after->rowid, after->body, after->body_object,
                           after->deleted, before != NULL);

  /* Back from the Trash (restored, or brought back by another device). */
  if (before != NULL && before->deleted && !after->deleted &&
      !_fb_store_trash_remove (self, after->id, error))
    return FALSE;

  account_state (self, before != NULL ? (int) before->state : -1, after->state);
  queue_snapshot (self, after, FALSE);

  return TRUE;
}

/* The row goes for good, its last snapshot says deleted + synced. */
gboolean
_fb_store_forget_row (FbStore           *self,
                      const FbStoreRow  *before,
                      GError           **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  stmt = _fb_store_get_stmt (self, "DELETE FROM items WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, before->id);
  /* Its in_flight rows go with it (ON DELETE CASCADE). */
  if (!_fb_store_step_done (self, stmt, error))
    return FALSE;
  if (!_fb_store_history_forget (self, before->id, error))
    return FALSE;

  _fb_store_index_queue (self, before->rowid, NULL, NULL, TRUE, TRUE);

  account_state (self, before->state, -1);
  queue_snapshot (self, before, TRUE);

  return TRUE;
}

/* The server has the deletion (as @rev): the row stays as a synced
 * tombstone in the Trash, with its last body, unless the person deleted
 * it for good. */
gboolean
_fb_store_purge_row (FbStore           *self,
                     const FbStoreRow  *before,
                     const char        *rev,
                     GError           **error)
{
  g_auto(FbStoreRow) after = { 0, };
  gboolean keep;

  if (!_fb_store_trash_keeps (self, before, &keep, error))
    return FALSE;
  if (!keep)
    return _fb_store_forget_row (self, before, error);

  _fb_store_row_copy (before, &after);
  after.deleted = TRUE;
  after.state = FB_ITEM_STATE_SYNCED;
  _fb_store_set_string (&after.base_rev, rev);
  g_clear_pointer (&after.base_body, g_free);
  g_clear_pointer (&after.server_rev, g_free);
  g_clear_pointer (&after.server_body, g_free);
  after.server_deleted = FALSE;
  g_clear_pointer (&after.sync_error, g_free);

  return _fb_store_save_row (self, before, &after, error) &&
         _fb_store_trash_add (self, before->id, error);
}

/* A change the person made: new body/deleted, a new local_seq, pending
 * (a conflict stays a conflict until it is resolved). */
gboolean
_fb_store_save_local_edit (FbStore           *self,
                           const FbStoreRow  *before,
                           const char        *body,
                           gboolean           deleted,
                           GError           **error)
{
  g_auto(FbStoreRow) after = { 0, };
  g_autofree char *kept = NULL;

  /* A local edit never changes another program's attachments, whatever
   * the editor or an import passed. */
  kept = fb_body_json_with_attachments_of (body, before->body);
  if (kept != NULL)
    body = kept;

  _fb_store_row_copy (before, &after);
  _fb_store_set_string (&after.body, body);
  after.deleted = deleted;
  after.updated_at = _fb_store_now (self);
  if (after.state != FB_ITEM_STATE_CONFLICT)
    after.state = FB_ITEM_STATE_PENDING;
  if (!_fb_store_next_local_seq (self, &after.local_seq, error))
    return FALSE;

  return _fb_store_save_row (self, before, &after, error);
}

gboolean
_fb_store_insert_new_item (FbStore     *self,
                           const char  *id,
                           const char  *collection,
                           const char  *body,
                           GError     **error)
{
  g_auto(FbStoreRow) row = { 0, };
  g_autofree char *without = NULL;

  /* Attachment stubs name data of a server revision; a new document has
   * none (a copy kept by "Keep both", an imported document). */
  without = fb_body_json_with_attachments_of (body, NULL);

  row.id = g_strdup (id);
  row.collection = g_strdup (collection);
  row.body = g_strdup (without != NULL ? without : body);
  row.created_at = row.updated_at = _fb_store_now (self);
  row.state = FB_ITEM_STATE_PENDING;
  if (!_fb_store_next_local_seq (self, &row.local_seq, error))
    return FALSE;

  return _fb_store_save_row (self, NULL, &row, error);
}

gboolean
_fb_store_check_collection (const char  *collection,
                            GError     **error)
{
  if (collection == NULL || *collection == '\0' || !g_utf8_validate (collection, -1, NULL))
    {
      g_set_error_literal (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                           _("An item must belong to a collection"));
      return FALSE;
    }

  return TRUE;
}

gboolean
_fb_store_check_id (const char  *id,
                    GError     **error)
{
  if (id == NULL || *id == '\0' || !g_utf8_validate (id, -1, NULL))
    {
      g_set_error_literal (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                           _("An item must have an id"));
      return FALSE;
    }

  return TRUE;
}

/* ---- Local edits ---- */

static gboolean
run_create (FbStore     *self,
            const char  *id,
            const char  *collection,
            const char  *body,
            GError     **error)
{
  RUN_IN_TRANSACTION (self, error,
                      _fb_store_insert_new_item (self, id, collection, body, error));
}

FbItem *
fb_store_create_item (FbStore     *self,
                      const char  *collection,
                      JsonObject  *body,
                      GError     **error)
{
  g_autofree char *id = NULL;
  g_autofree char *json = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (collection != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_fb_store_check_collection (collection, error))
    return NULL;

  id = g_uuid_string_random ();
  json = fb_body_to_string (body);

  if (!run_create (self, id, collection, json, error))
    return NULL;

  return fb_store_get_item (self, id, error);
}

static gboolean
put_item_in_transaction (FbStore     *self,
                         const char  *id,
                         const char  *collection,
                         const char  *body,
                         GError     **error)
{
  g_auto(FbStoreRow) before = { 0, };
  gboolean found;

  if (!_fb_store_load_row (self, id, &before, &found, error))
    return FALSE;

  if (!found)
    return _fb_store_insert_new_item (self, id, collection, body, error);

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

  return _fb_store_save_local_edit (self, &before, body, FALSE, error);
}

static gboolean
run_put (FbStore     *self,
         const char  *id,
         const char  *collection,
         const char  *body,
         GError     **error)
{
  RUN_IN_TRANSACTION (self, error,
                      put_item_in_transaction (self, id, collection, body, error));
}

FbItem *
fb_store_put_item (FbStore     *self,
                   const char  *id,
                   const char  *collection,
                   JsonObject  *body,
                   GError     **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (collection != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_fb_store_check_id (id, error) || !_fb_store_check_collection (collection, error))
    return NULL;

  json = fb_body_to_string (body);
  if (!run_put (self, id, collection, json, error))
    return NULL;

  return fb_store_get_item (self, id, error);
}

gboolean
_fb_store_body_json_equal (const char *a,
                           const char *b)
{
  g_autoptr(JsonObject) object_a = NULL;
  g_autoptr(JsonObject) object_b = NULL;

  if (g_strcmp0 (a, b) == 0)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  object_a = fb_body_from_string (a, NULL);
  object_b = fb_body_from_string (b, NULL);

  return object_a != NULL && object_b != NULL && fb_body_equal (object_a, object_b);
}

static gboolean
update_item_in_transaction (FbStore     *self,
                            const char  *id,
                            const char  *body,
                            GError     **error)
{
  g_auto(FbStoreRow) before = { 0, };

  if (!_fb_store_load_existing_row (self, id, &before, error))
    return FALSE;

  if (before.deleted)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND,
                   _("The item “%s” was deleted"), id);
      return FALSE;
    }

  /* Saving what is already there is not an edit: nothing to push. */
  if (_fb_store_body_json_equal (before.body, body))
    return TRUE;

  return _fb_store_save_local_body (self, &before, body, error);
}

gboolean
_fb_store_save_local_body (FbStore           *self,
                           const FbStoreRow  *before,
                           const char        *body,
                           GError           **error)
{
  return _fb_store_history_keep (self, before, FB_HISTORY_KEEP_BEFORE_EDIT, error) &&
         _fb_store_save_local_edit (self, before, body, FALSE, error);
}

gboolean
fb_store_update_item (FbStore     *self,
                      const char  *id,
                      JsonObject  *body,
                      GError     **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  json = fb_body_to_string (body);

  RUN_IN_TRANSACTION (self, error,
                      update_item_in_transaction (self, id, json, error));
}

static gboolean
set_deleted_in_transaction (FbStore     *self,
                            const char  *id,
                            gboolean     deleted,
                            GError     **error)
{
  g_auto(FbStoreRow) before = { 0, };

  if (!_fb_store_load_existing_row (self, id, &before, error))
    return FALSE;

  if (before.deleted == deleted)
    return TRUE;

  /* The tombstone keeps its body, so restoring brings it back whole; until
   * then it is in the Trash. */
  if (deleted && !_fb_store_trash_add (self, id, error))
    return FALSE;

  return _fb_store_save_local_edit (self, &before, before.body, deleted, error);
}

gboolean
fb_store_delete_item (FbStore     *self,
                      const char  *id,
                      GError     **error)
{
  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  RUN_IN_TRANSACTION (self, error,
                      set_deleted_in_transaction (self, id, TRUE, error));
}

gboolean
fb_store_restore_item (FbStore     *self,
                       const char  *id,
                       GError     **error)
{
  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  RUN_IN_TRANSACTION (self, error,
                      set_deleted_in_transaction (self, id, FALSE, error));
}

/* ---- Reading ---- */

FbItem *
fb_store_get_item (FbStore     *self,
                   const char  *id,
                   GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  gboolean found;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = _fb_store_get_stmt (self, "SELECT " FB_ITEM_COLUMNS " FROM items WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, id);
  if (!_fb_store_step_row (self, stmt, &found, error))
    return NULL;
  if (!found)
    {
      _fb_store_set_not_found (error, id);
      return NULL;
    }

  return _fb_item_new_from_stmt (stmt, FALSE);
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
      g_ptr_array_add (items, _fb_item_new_from_stmt (stmt, FALSE));
      if (ranks != NULL)
        {
          double rank = sqlite3_column_double (stmt, 15);

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
_fb_store_search_ranked (FbStore     *self,
                         const char  *collection,
                         const char  *query,
                         GArray     **ranks,
                         GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  g_autofree char *match = NULL;
  g_autoptr(GArray) rank_array = NULL;
  GPtrArray *items;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (ranks != NULL)
    rank_array = g_array_new (FALSE, FALSE, sizeof (double));

  index_queue_flush_early (self);
  match = _fb_store_build_match_expression (query);
  if (match == NULL)
    {
      if (ranks != NULL)
        *ranks = g_steal_pointer (&rank_array);
      return g_ptr_array_new_with_free_func (g_object_unref);
    }

  stmt = _fb_store_get_stmt (self,
                             "SELECT " FB_ITEM_COLUMNS ", " BM25 " AS rank "
                             "FROM items_fts JOIN items ON items.rowid = items_fts.rowid "
                             "WHERE items_fts MATCH ?1 AND items.deleted = 0 "
                             "  AND (?2 IS NULL OR items.collection = ?2) "
                             "ORDER BY rank, items.updated_at DESC, items.id",
                             error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, match);
  bind_text (stmt, 2, collection);

  items = _fb_store_collect_items (self, stmt, rank_array, error);
  if (items != NULL && ranks != NULL)
    *ranks = g_steal_pointer (&rank_array);

  return items;
}

GPtrArray *
fb_store_search (FbStore     *self,
                 const char  *collection,
                 const char  *query,
                 GError     **error)
{
  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (_fb_store_query_is_blank (query))
    return fb_store_list_items (self, collection, error);

  return _fb_store_search_ranked (self, collection, query, NULL, error);
}

gboolean
_fb_store_match_item (FbStore    *self,
                      FbItem     *item,
                      const char *query,
                      double     *rank)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  g_autofree char *match = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (FB_IS_ITEM (item), FALSE);

  if (fb_item_get_deleted (item))
    return FALSE;

  index_queue_flush_early (self);
  match = _fb_store_build_match_expression (query);
  if (match == NULL)
    return FALSE;

  stmt = _fb_store_get_stmt (self,
                             "SELECT " BM25 " FROM items_fts "
                             "WHERE items_fts MATCH ?1 AND rowid = ?2",
                             &error);
  if (stmt == NULL)
    {
      g_warning ("Could not search: %s", error->message);
      return FALSE;
    }
  bind_text (stmt, 1, match);
  sqlite3_bind_int64 (stmt, 2, _fb_item_get_rowid (item));
  if (!_fb_store_step_row (self, stmt, &found, &error))
    {
      g_warning ("Could not search: %s", error->message);
      return FALSE;
    }

  if (found && rank != NULL)
    *rank = sqlite3_column_double (stmt, 0);

  return found;
}

GPtrArray *
_fb_store_get_flushing (FbStore *self,
                        guint   *serial)
{
  g_return_val_if_fail (FB_IS_STORE (self), NULL);

  *serial = self->flush_serial;

  return self->flushing;
}

static void
add_rank (GHashTable *ranks,
          gint64      rowid,
          double      rank)
{
  gint64 *key = g_new (gint64, 1);
  double *value = g_new (double, 1);

  *key = rowid;
  *value = rank;
  g_hash_table_insert (ranks, key, value);
}

/* bm25() counts the documents matching each phrase, so every FTS query is
 * O(matches) however few rows it returns: for more than a few items one
 * query over all matches is cheaper than one per item. */
#define MATCH_ONE_BY_ONE 4

GHashTable *
_fb_store_match_items (FbStore    *self,
                       const char *query,
                       GPtrArray  *items)
{
  g_autoptr(GHashTable) ranks = NULL;
  g_autoptr(GHashTable) wanted = NULL;
  g_autoptr(FbCachedStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *match = NULL;
  int rc;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (items != NULL, NULL);

  ranks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  if (items->len <= MATCH_ONE_BY_ONE)
    {
      for (guint i = 0; i < items->len; i++)
        {
          FbItem *item = g_ptr_array_index (items, i);
          double rank;

          if (_fb_store_match_item (self, item, query, &rank))
            add_rank (ranks, _fb_item_get_rowid (item), rank);
        }

      return g_steal_pointer (&ranks);
    }

  index_queue_flush_early (self);
  match = _fb_store_build_match_expression (query);
  if (match == NULL)
    return g_steal_pointer (&ranks);

  wanted = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < items->len; i++)
    {
      gint64 *rowid = g_new (gint64, 1);

      *rowid = _fb_item_get_rowid (g_ptr_array_index (items, i));
      g_hash_table_add (wanted, rowid);
    }

  stmt = _fb_store_get_stmt (self, "SELECT rowid, " BM25 " FROM items_fts WHERE items_fts MATCH ?1", &error);
  if (stmt == NULL)
    {
      g_warning ("Could not search: %s", error->message);
      return g_steal_pointer (&ranks);
    }
  bind_text (stmt, 1, match);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);

      if (g_hash_table_contains (wanted, &rowid))
        add_rank (ranks, rowid, sqlite3_column_double (stmt, 1));
    }

  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, &error, rc);
      g_warning ("Could not search: %s", error->message);
    }

  return g_steal_pointer (&ranks);
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

/* ---- Sync-facing ---- */

GPtrArray *
fb_store_list_pending (FbStore  *self,
                       gint64    after_seq,
                       guint     limit,
                       GError  **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Served by the items_by_state (state, local_seq) index. */
  stmt = _fb_store_get_stmt (self,
                             "SELECT " FB_ITEM_COLUMNS " FROM items "
                             "WHERE state = 'pending' AND local_seq > ?1 "
                             "ORDER BY local_seq LIMIT ?2",
                             error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after_seq);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);

  return _fb_store_collect_items (self, stmt, NULL, error);
}

GPtrArray *
fb_store_list_known_to_server (FbStore     *self,
                               const char  *after_id,
                               guint        limit,
                               GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = _fb_store_get_stmt (self,
                             "SELECT " FB_ITEM_COLUMNS " FROM items "
                             "WHERE id > ?1 AND (base_rev IS NOT NULL OR server_rev IS NOT NULL) "
                             "ORDER BY id LIMIT ?2",
                             error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, after_id != NULL ? after_id : "");
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);

  return _fb_store_collect_items (self, stmt, NULL, error);
}

/* What earlier pushes sent is forgotten once the server's answer, or a
 * newer base, makes it moot: the rows up to @up_to_seq (all with -1). */
gboolean
_fb_store_clear_in_flight (FbStore     *self,
                           const char  *id,
                           gint64       up_to_seq,
                           GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  stmt = _fb_store_get_stmt (self, "DELETE FROM in_flight WHERE id = ?1 AND local_seq <= ?2", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, up_to_seq < 0 ? G_MAXINT64 : up_to_seq);

  return _fb_store_step_done (self, stmt, error);
}

static gboolean
mark_pushed_in_transaction (FbStore     *self,
                            const char  *id,
                            gint64       sent_local_seq,
                            const char  *rev,
                            const char  *body,
                            gboolean     deleted,
                            GError     **error)
{
  g_auto(FbStoreRow) before = { 0, };
  g_auto(FbStoreRow) after = { 0, };

  if (!_fb_store_load_existing_row (self, id, &before, error) ||
      !_fb_store_clear_in_flight (self, id, sent_local_seq, error))
    return FALSE;

  _fb_store_row_copy (&before, &after);
  _fb_store_set_string (&after.base_rev, rev);
  _fb_store_set_string (&after.base_body, deleted ? NULL : body);
  g_clear_pointer (&after.sync_error, g_free);

  /* Edits made while the push was on the way are still to be pushed. */
  if (after.state == FB_ITEM_STATE_PENDING && after.local_seq == sent_local_seq)
    after.state = FB_ITEM_STATE_SYNCED;

  if (after.state == FB_ITEM_STATE_SYNCED && deleted && after.deleted)
    return _fb_store_purge_row (self, &before, rev, error);

  return _fb_store_save_row (self, &before, &after, error);
}

gboolean
fb_store_mark_pushed (FbStore     *self,
                      const char  *id,
                      gint64       sent_local_seq,
                      const char  *rev,
                      JsonObject  *body,
                      gboolean     deleted,
                      GError     **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (rev != NULL, FALSE);
  g_return_val_if_fail (deleted || body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (body != NULL)
    json = fb_body_to_string (body);

  RUN_IN_TRANSACTION (self, error,
                      mark_pushed_in_transaction (self, id, sent_local_seq, rev,
                                                  json, deleted, error));
}

gboolean
fb_store_mark_item_pushed (FbStore     *self,
                           FbItem      *sent,
                           const char  *rev,
                           GError     **error)
{
  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (FB_IS_ITEM (sent), FALSE);
  g_return_val_if_fail (rev != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  RUN_IN_TRANSACTION (self, error,
                      mark_pushed_in_transaction (self, fb_item_get_id (sent),
                                                  fb_item_get_local_seq (sent), rev,
                                                  fb_item_get_body_json (sent),
                                                  fb_item_get_deleted (sent), error));
}

/* ---- In flight ----
 *
 * What a push sends is written down before it goes out, so that when the
 * answer is lost (the connection drops, the program is killed) and the
 * server later shows that very content, it is known as our own upload
 * instead of looking like a change made elsewhere. */

static gboolean
record_in_flight_in_transaction (FbStore    *self,
                                 GPtrArray  *items,
                                 GError    **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  stmt = _fb_store_get_stmt (self,
                             "INSERT OR REPLACE INTO in_flight (id, local_seq, body) "
                             "VALUES (?1, ?2, ?3)",
                             error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < items->len; i++)
    {
      FbItem *item = items->pdata[i];

      sqlite3_reset (stmt);
      bind_text (stmt, 1, fb_item_get_id (item));
      sqlite3_bind_int64 (stmt, 2, fb_item_get_local_seq (item));
      bind_text (stmt, 3, fb_item_get_deleted (item) ? NULL : fb_item_get_body_json (item));
      if (!_fb_store_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
fb_store_record_in_flight (FbStore    *self,
                           GPtrArray  *items,
                           GError    **error)
{
  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (items != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (items->len == 0)
    return TRUE;

  RUN_IN_TRANSACTION (self, error, record_in_flight_in_transaction (self, items, error));
}

/* The newest recorded send of @id whose content is @server_json (NULL: a
 * deletion); *@found says whether there is one. */
static gboolean
find_in_flight (FbStore     *self,
                const char  *id,
                const char  *server_json,
                gboolean    *found,
                gint64      *sent_seq,
                char       **sent_body,
                GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  int rc;

  *found = FALSE;
  stmt = _fb_store_get_stmt (self,
                             "SELECT local_seq, body FROM in_flight WHERE id = ?1 "
                             "ORDER BY local_seq DESC",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *body = (const char *) sqlite3_column_text (stmt, 1);

      if ((body == NULL && server_json == NULL) ||
          (body != NULL && server_json != NULL && _fb_store_body_json_equal (body, server_json)))
        {
          *found = TRUE;
          *sent_seq = sqlite3_column_int64 (stmt, 0);
          *sent_body = g_strdup (body);
          return TRUE;
        }
    }

  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  return TRUE;
}

static gboolean
adopt_in_flight_in_transaction (FbStore     *self,
                                const char  *id,
                                const char  *rev,
                                const char  *server_json,
                                gboolean    *adopted,
                                GError     **error)
{
  g_auto(FbStoreRow) before = { 0, };
  g_auto(FbStoreRow) after = { 0, };
  g_autofree char *sent_body = NULL;
  gint64 sent_seq = 0;
  gboolean found;

  if (!_fb_store_load_row (self, id, &before, &found, error))
    return FALSE;
  if (!found || before.state != FB_ITEM_STATE_PENDING)
    return TRUE;

  if (!find_in_flight (self, id, server_json, &found, &sent_seq, &sent_body, error))
    return FALSE;
  if (!found)
    return TRUE;

  *adopted = TRUE;

  /* Nothing changed since that send: as if its answer had arrived. */
  if (before.local_seq == sent_seq)
    return mark_pushed_in_transaction (self, id, sent_seq, rev, sent_body,
                                       sent_body == NULL, error);

  /* Edited since: mine goes on top of what the server already has. A new
   * local_seq lets a push that is under way pick it up again. */
  if (!_fb_store_clear_in_flight (self, id, sent_seq, error))
    return FALSE;
  _fb_store_row_copy (&before, &after);
  _fb_store_set_string (&after.base_rev, rev);
  _fb_store_set_string (&after.base_body, sent_body);
  g_clear_pointer (&after.sync_error, g_free);
  if (!_fb_store_next_local_seq (self, &after.local_seq, error))
    return FALSE;

  return _fb_store_save_row (self, &before, &after, error);
}

gboolean
fb_store_adopt_in_flight (FbStore     *self,
                          const char  *id,
                          const char  *rev,
                          JsonObject  *server_body,
                          gboolean     server_deleted,
                          gboolean    *adopted,
                          GError     **error)
{
  g_autofree char *server_json = NULL;
  gboolean ours = FALSE;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (rev != NULL, FALSE);
  g_return_val_if_fail (server_deleted || server_body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (adopted != NULL)
    *adopted = FALSE;
  if (!server_deleted)
    server_json = fb_body_to_string (server_body);

  if (!fb_store_begin (self, error))
    return FALSE;
  if (!adopt_in_flight_in_transaction (self, id, rev, server_json, &ours, error) ||
      !fb_store_commit (self, error))
    {
      fb_store_rollback (self);
      return FALSE;
    }

  if (adopted != NULL)
    *adopted = ours;
  return TRUE;
}

static gboolean
apply_remote_in_transaction (FbStore     *self,
                             const char  *id,
                             const char  *collection,
                             const char  *rev,
                             const char  *body,
                             JsonObject  *body_object,
                             gboolean     deleted,
                             gint64       updated_at,
                             GError     **error)
{
  g_auto(FbStoreRow) before = { 0, };
  g_auto(FbStoreRow) after = { 0, };
  gboolean found;

  if (!_fb_store_load_row (self, id, &before, &found, error))
    return FALSE;

  if (found && before.state != FB_ITEM_STATE_SYNCED)
    {
      /* Overwriting it would drop the person's edit: it must be merged. */
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                   _("The item “%s” has changes that are not synced yet"), id);
      return FALSE;
    }

  if (deleted)
    {
      if (!found)
        return TRUE;
      /* Already in the Trash with that deletion. */
      if (before.deleted && g_strcmp0 (before.base_rev, rev) == 0)
        return TRUE;
      return _fb_store_purge_row (self, &before, rev, error);
    }

  if (found)
    {
      /* Our own change coming back. */
      if (!before.deleted &&
          g_strcmp0 (before.base_rev, rev) == 0 &&
          g_strcmp0 (before.collection, collection) == 0 &&
          _fb_store_body_json_equal (before.body, body))
        return TRUE;

      if (!before.deleted &&
          !_fb_store_history_keep (self, &before, FB_HISTORY_KEEP_BEFORE_OVERWRITE, error))
        return FALSE;

      _fb_store_row_copy (&before, &after);
    }
  else
    {
      after.id = g_strdup (id);
      after.created_at = updated_at > 0 ? updated_at : _fb_store_now (self);
    }

  _fb_store_set_string (&after.collection, collection);
  _fb_store_set_string (&after.body, body);
  after.body_object = body_object;
  after.deleted = FALSE;
  after.updated_at = updated_at > 0 ? updated_at : _fb_store_now (self);
  after.state = FB_ITEM_STATE_SYNCED;
  _fb_store_set_string (&after.base_rev, rev);
  _fb_store_set_string (&after.base_body, body);
  after.base_body_object = body_object;
  g_clear_pointer (&after.server_rev, g_free);
  g_clear_pointer (&after.server_body, g_free);
  after.server_deleted = FALSE;
  g_clear_pointer (&after.sync_error, g_free);

  return _fb_store_save_row (self, found ? &before : NULL, &after, error) &&
         _fb_store_history_set_origin (self, id, FB_VERSION_ORIGIN_SERVER,
                                       after.local_seq, error);
}

gboolean
fb_store_apply_remote (FbStore     *self,
                       const char  *id,
                       const char  *collection,
                       const char  *rev,
                       JsonObject  *body,
                       gboolean     deleted,
                       gint64       updated_at,
                       GError     **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_fb_store_check_id (id, error))
    return FALSE;

  if (!deleted)
    {
      if (!_fb_store_check_collection (collection, error))
        return FALSE;
      if (body == NULL)
        {
          g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                       _("The server sent the item “%s” without content"), id);
          return FALSE;
        }
      json = fb_body_to_string (body);
    }

  RUN_IN_TRANSACTION (self, error,
                      apply_remote_in_transaction (self, id, collection, rev, json,
                                                   deleted ? NULL : body,
                                                   deleted, updated_at, error));
}

static gboolean
apply_merged_in_transaction (FbStore     *self,
                             const char  *id,
                             const char  *rev,
                             const char  *server_body,
                             gboolean     server_deleted,
                             const char  *merged,
                             gboolean     merged_deleted,
                             GError     **error)
{
  g_auto(FbStoreRow) before = { 0, };
  g_auto(FbStoreRow) after = { 0, };
  gboolean same_as_server;

  /* A base that is not ours: what earlier pushes sent can no longer be
   * stored on top of it. */
  if (!_fb_store_load_existing_row (self, id, &before, error) ||
      !_fb_store_clear_in_flight (self, id, -1, error))
    return FALSE;

  if (!before.deleted &&
      !_fb_store_history_keep (self, &before, FB_HISTORY_KEEP_BEFORE_OVERWRITE, error))
    return FALSE;

  _fb_store_row_copy (&before, &after);
  _fb_store_set_string (&after.base_rev, rev);
  _fb_store_set_string (&after.base_body, server_deleted ? NULL : server_body);
  g_clear_pointer (&after.server_rev, g_free);
  g_clear_pointer (&after.server_body, g_free);
  after.server_deleted = FALSE;
  g_clear_pointer (&after.sync_error, g_free);

  if (!merged_deleted)
    _fb_store_set_string (&after.body, merged);
  after.deleted = merged_deleted;
  if (after.deleted != before.deleted || g_strcmp0 (after.body, before.body) != 0)
    after.updated_at = _fb_store_now (self);

  if (merged_deleted || server_deleted)
    same_as_server = merged_deleted && server_deleted;
  else
    same_as_server = _fb_store_body_json_equal (merged, server_body);

  if (same_as_server)
    {
      after.state = FB_ITEM_STATE_SYNCED;
      if (after.deleted)
        return _fb_store_purge_row (self, &before, rev, error);
    }
  else
    {
      after.state = FB_ITEM_STATE_PENDING;
      if (!_fb_store_next_local_seq (self, &after.local_seq, error))
        return FALSE;
    }

  return _fb_store_save_row (self, &before, &after, error) &&
         _fb_store_history_set_origin (self, id,
                                       same_as_server ? FB_VERSION_ORIGIN_SERVER
                                                      : FB_VERSION_ORIGIN_MERGE,
                                       after.local_seq, error);
}

gboolean
fb_store_apply_merged (FbStore     *self,
                       const char  *id,
                       const char  *rev,
                       JsonObject  *server_body,
                       gboolean     server_deleted,
                       JsonObject  *merged,
                       gboolean     merged_deleted,
                       GError     **error)
{
  g_autofree char *server_json = NULL;
  g_autofree char *merged_json = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (rev != NULL, FALSE);
  g_return_val_if_fail (server_deleted || server_body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (server_body != NULL && !server_deleted)
    server_json = fb_body_to_string (server_body);
  if (merged == NULL)
    merged_deleted = TRUE;
  if (!merged_deleted)
    merged_json = fb_body_to_string (merged);

  RUN_IN_TRANSACTION (self, error,
                      apply_merged_in_transaction (self, id, rev, server_json,
                                                   server_deleted, merged_json,
                                                   merged_deleted, error));
}

static gboolean
set_conflict_in_transaction (FbStore     *self,
                             const char  *id,
                             const char  *server_rev,
                             const char  *server_body,
                             gboolean     server_deleted,
                             GError     **error)
{
  g_auto(FbStoreRow) before = { 0, };
  g_auto(FbStoreRow) after = { 0, };

  if (!_fb_store_load_existing_row (self, id, &before, error) ||
      !_fb_store_clear_in_flight (self, id, -1, error))
    return FALSE;

  _fb_store_row_copy (&before, &after);
  after.state = FB_ITEM_STATE_CONFLICT;
  _fb_store_set_string (&after.server_rev, server_rev);
  _fb_store_set_string (&after.server_body, server_deleted ? NULL : server_body);
  after.server_deleted = server_deleted;
  g_clear_pointer (&after.sync_error, g_free);

  return _fb_store_save_row (self, &before, &after, error);
}

gboolean
fb_store_set_conflict (FbStore     *self,
                       const char  *id,
                       const char  *server_rev,
                       JsonObject  *server_body,
                       gboolean     server_deleted,
                       GError     **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (server_rev != NULL, FALSE);
  g_return_val_if_fail (server_deleted || server_body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (server_body != NULL && !server_deleted)
    json = fb_body_to_string (server_body);

  RUN_IN_TRANSACTION (self, error,
                      set_conflict_in_transaction (self, id, server_rev, json,
                                                   server_deleted, error));
}

static gboolean
keep_edit_in_conflict_in_transaction (FbStore     *self,
                                      const char  *id,
                                      const char  *mine,
                                      GError     **error)
{
  g_auto(FbStoreRow) before = { 0, };
  g_auto(FbStoreRow) after = { 0, };

  if (!_fb_store_load_existing_row (self, id, &before, error))
    return FALSE;

  if (before.deleted)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND,
                   _("The item “%s” was deleted"), id);
      return FALSE;
    }

  /* Already a conflict (its server side is set), or never on a server:
   * mine is an edit like any other. */
  if (before.state == FB_ITEM_STATE_CONFLICT || before.base_rev == NULL)
    {
      if (_fb_store_body_json_equal (before.body, mine))
        return TRUE;
      return _fb_store_save_local_body (self, &before, mine, error);
    }

  /* The version that arrived stays as the server's side, and in the
   * history too, whatever the person later chooses. */
  if (!_fb_store_history_keep (self, &before, FB_HISTORY_KEEP_BEFORE_EDIT, error))
    return FALSE;

  _fb_store_row_copy (&before, &after);
  _fb_store_set_string (&after.body, mine);
  after.deleted = FALSE;
  after.updated_at = _fb_store_now (self);
  after.state = FB_ITEM_STATE_CONFLICT;
  _fb_store_set_string (&after.server_rev, before.base_rev);
  _fb_store_set_string (&after.server_body, before.base_body);
  after.server_deleted = FALSE;
  g_clear_pointer (&after.sync_error, g_free);
  if (!_fb_store_next_local_seq (self, &after.local_seq, error))
    return FALSE;

  return _fb_store_save_row (self, &before, &after, error);
}

gboolean
fb_store_keep_edit_in_conflict (FbStore     *self,
                                const char  *id,
                                JsonObject  *mine,
                                GError     **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (mine != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  json = fb_body_to_string (mine);

  RUN_IN_TRANSACTION (self, error,
                      keep_edit_in_conflict_in_transaction (self, id, json, error));
}

static gboolean
set_sync_error_in_transaction (FbStore     *self,
                               const char  *id,
                               const char  *message,
                               GError     **error)
{
  g_auto(FbStoreRow) before = { 0, };
  g_auto(FbStoreRow) after = { 0, };

  if (!_fb_store_load_existing_row (self, id, &before, error))
    return FALSE;

  if (g_strcmp0 (before.sync_error, message) == 0)
    return TRUE;

  _fb_store_row_copy (&before, &after);
  _fb_store_set_string (&after.sync_error, message);

  return _fb_store_save_row (self, &before, &after, error);
}

gboolean
fb_store_set_sync_error (FbStore     *self,
                         const char  *id,
                         const char  *message,
                         GError     **error)
{
  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  RUN_IN_TRANSACTION (self, error,
                      set_sync_error_in_transaction (self, id, message, error));
}

/* Keep Both's copy of mine: the same body, its title saying which one it
 * is, so that the two can be told apart in the list. NULL if @body is not
 * an object (it is then copied as it is). */
static char *
copy_body_titled (const char *body)
{
  g_autoptr(JsonObject) object = fb_body_from_string (body, NULL);
  g_autofree char *title = NULL;
  const char *old_title;

  if (object == NULL)
    return NULL;

  old_title = json_object_get_string_member_with_default (object, "title", "");
  if (old_title == NULL || *old_title == '\0')
    title = g_strdup (_("Untitled (copy from this device)"));
  else
    /* TRANSLATORS: the title of the copy that Keep Both makes of this
     * device's version; %s is the item's title */
    title = g_strdup_printf (_("%s (copy from this device)"), old_title);
  json_object_set_string_member (object, "title", title);

  return fb_body_to_string (object);
}

static gboolean
forget_base_rev_in_transaction (FbStore     *self,
                                const char  *id,
                                GError     **error)
{
  g_auto(FbStoreRow) before = { 0, };
  g_auto(FbStoreRow) after = { 0, };

  if (!_fb_store_load_existing_row (self, id, &before, error))
    return FALSE;

  if (before.state != FB_ITEM_STATE_PENDING || before.base_rev == NULL)
    return TRUE;

  _fb_store_row_copy (&before, &after);
  g_clear_pointer (&after.base_rev, g_free);
  if (!_fb_store_next_local_seq (self, &after.local_seq, error))
    return FALSE;

  return _fb_store_save_row (self, &before, &after, error);
}

gboolean
fb_store_forget_base_rev (FbStore     *self,
                          const char  *id,
                          GError     **error)
{
  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  RUN_IN_TRANSACTION (self, error, forget_base_rev_in_transaction (self, id, error));
}

static gboolean
resolve_in_transaction (FbStore       *self,
                        const char    *id,
                        FbResolution   how,
                        char         **new_id,
                        GError       **error)
{
  g_auto(FbStoreRow) before = { 0, };
  g_auto(FbStoreRow) after = { 0, };

  if (!_fb_store_load_existing_row (self, id, &before, error) ||
      !_fb_store_clear_in_flight (self, id, -1, error))
    return FALSE;

  if (before.state != FB_ITEM_STATE_CONFLICT)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                   _("The item “%s” is not in conflict"), id);
      return FALSE;
    }

  /* Both sides are kept as versions, whichever the person chooses. */
  if (!before.deleted &&
      !_fb_store_history_keep (self, &before, FB_HISTORY_KEEP_BEFORE_OVERWRITE, error))
    return FALSE;
  if (!before.server_deleted && before.server_body != NULL &&
      !_fb_store_history_keep_body (self, id, before.server_body, FB_VERSION_ORIGIN_SERVER,
                                    _fb_store_now (self), error))
    return FALSE;

  _fb_store_row_copy (&before, &after);
  _fb_store_set_string (&after.base_rev, before.server_rev);
  _fb_store_set_string (&after.base_body, before.server_deleted ? NULL : before.server_body);
  g_clear_pointer (&after.server_rev, g_free);
  g_clear_pointer (&after.server_body, g_free);
  after.server_deleted = FALSE;
  g_clear_pointer (&after.sync_error, g_free);
  after.updated_at = _fb_store_now (self);

  if (how == FB_RESOLVE_KEEP_MINE)
    {
      g_autofree char *kept = NULL;

      /* Mine goes on top of the server's revision: with that revision's
       * attachments, which only other programs change. */
      if (after.body != NULL)
        kept = fb_body_json_with_attachments_of (after.body,
                                                 before.server_deleted ? NULL
                                                                       : before.server_body);
      if (kept != NULL)
        _fb_store_set_string (&after.body, kept);
      after.state = FB_ITEM_STATE_PENDING;
      if (!_fb_store_next_local_seq (self, &after.local_seq, error))
        return FALSE;
      return _fb_store_save_row (self, &before, &after, error) &&
             _fb_store_history_set_origin (self, id, FB_VERSION_ORIGIN_RESOLUTION,
                                           after.local_seq, error);
    }

  /* Mine lives on as a new item; a deleted mine has nothing to keep. */
  if (how == FB_RESOLVE_KEEP_BOTH && !before.deleted)
    {
      g_autofree char *copy_id = g_uuid_string_random ();
      g_autofree char *copy_body = copy_body_titled (before.body);

      if (!_fb_store_insert_new_item (self, copy_id, before.collection,
                                      copy_body != NULL ? copy_body : before.body, error))
        return FALSE;
      if (new_id != NULL)
        *new_id = g_steal_pointer (&copy_id);
    }

  if (before.server_deleted)
    return _fb_store_purge_row (self, &before, before.server_rev, error);

  _fb_store_set_string (&after.body, before.server_body);
  after.deleted = FALSE;
  after.state = FB_ITEM_STATE_SYNCED;

  return _fb_store_save_row (self, &before, &after, error) &&
         _fb_store_history_set_origin (self, id, FB_VERSION_ORIGIN_RESOLUTION,
                                       after.local_seq, error);
}

gboolean
fb_store_resolve_conflict (FbStore       *self,
                           const char    *id,
                           FbResolution   how,
                           char         **new_id,
                           GError       **error)
{
  g_autofree char *created = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (how <= FB_RESOLVE_KEEP_BOTH, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (new_id != NULL)
    *new_id = NULL;

  if (!fb_store_begin (self, error))
    return FALSE;
  if (!resolve_in_transaction (self, id, how, &created, error))
    {
      fb_store_rollback (self);
      return FALSE;
    }
  if (!fb_store_commit (self, error))
    {
      fb_store_rollback (self);
      return FALSE;
    }

  if (new_id != NULL)
    *new_id = g_steal_pointer (&created);

  return TRUE;
}

/* ---- Meta ---- */

char *
_fb_store_read_meta (FbStore     *self,
                     const char  *key,
                     GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  gboolean found;

  stmt = _fb_store_get_stmt (self, "SELECT value FROM meta WHERE key = ?1", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, key);
  if (!_fb_store_step_row (self, stmt, &found, error) || !found)
    return NULL;

  return _fb_store_column_dup (stmt, 0);
}

gboolean
_fb_store_write_meta (FbStore     *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  if (value == NULL)
    stmt = _fb_store_get_stmt (self, "DELETE FROM meta WHERE key = ?1", error);
  else
    stmt = _fb_store_get_stmt (self,
                               "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                               "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                               error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  if (value != NULL)
    bind_text (stmt, 2, value);

  return _fb_store_step_done (self, stmt, error);
}

char *
fb_store_get_meta (FbStore    *self,
                   const char *key)
{
  g_autoptr(GError) error = NULL;
  char *value;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  value = _fb_store_read_meta (self, key, &error);
  if (error != NULL)
    g_warning ("Could not read “%s” from the database: %s", key, error->message);

  return value;
}

gboolean
fb_store_set_meta (FbStore     *self,
                   const char  *key,
                   const char  *value,
                   GError     **error)
{
  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The edit counter is the store's own: a wrong value would reorder
   * or lose pushes. */
  if (g_str_equal (key, "local_seq") || g_str_equal (key, "device_id"))
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                   _("“%s” is kept by the store itself"), key);
      return FALSE;
    }

  RUN_IN_TRANSACTION (self, error, _fb_store_write_meta (self, key, value, error));
}

static char *
checkpoint_key (const char *remote)
{
  return g_strconcat ("checkpoint:", remote, NULL);
}

char *
fb_store_get_checkpoint (FbStore    *self,
                         const char *remote)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (remote != NULL, NULL);

  key = checkpoint_key (remote);

  return fb_store_get_meta (self, key);
}

gboolean
fb_store_set_checkpoint (FbStore     *self,
                         const char  *remote,
                         const char  *seq_json,
                         GError     **error)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (remote != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  key = checkpoint_key (remote);

  return fb_store_set_meta (self, key, seq_json, error);
}

char *
fb_store_get_remote_session (FbStore    *self,
                             const char *remote)
{
  g_autofree char *current = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (remote != NULL, NULL);

  current = fb_store_get_meta (self, "session_remote");
  if (g_strcmp0 (current, remote) != 0)
    return NULL;

  return fb_store_get_meta (self, "session");
}

static gboolean
set_remote_session_in_transaction (FbStore     *self,
                                   const char  *remote,
                                   const char  *session,
                                   GError     **error)
{
  g_autofree char *key = checkpoint_key (remote);

  return _fb_store_write_meta (self, "session_remote", remote, error) &&
         _fb_store_write_meta (self, "session", session, error) &&
         _fb_store_write_meta (self, key, NULL, error);
}

gboolean
fb_store_set_remote_session (FbStore     *self,
                             const char  *remote,
                             const char  *session,
                             GError     **error)
{
  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (remote != NULL, FALSE);
  g_return_val_if_fail (session != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  RUN_IN_TRANSACTION (self, error,
                      set_remote_session_in_transaction (self, remote, session, error));
}

const char *
fb_store_get_device_id (FbStore *self)
{
  g_return_val_if_fail (FB_IS_STORE (self), NULL);

  return self->device_id;
}

/* ---- Checkpoints ----
 *
 * A commit appends to the write-ahead log; a checkpoint copies the log
 * back into the database file and syncs it. SQLite does that inside the
 * commit that makes the log pass 1000 pages, on the committing thread: a
 * pull of 10,000 items paid ~15 % of its time for it. Here the commit that
 * passes the mark starts a PASSIVE checkpoint on a worker thread with its
 * own connection, which never blocks our writes. What is durable does not
 * change: each commit is in the log before it returns, exactly as before. */

#define CHECKPOINT_PAGES 1000

static void
checkpoint_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  FbStore *self = task_data;

  /* Only this thread uses the connection, and finalize waits for it. */
  if (self->checkpoint_db == NULL)
    {
      /* A connection only knows the file is in WAL mode once it has read
       * from it: until then a checkpoint does nothing and says OK. */
      if (sqlite3_open_v2 (self->path, &self->checkpoint_db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
          sqlite3_busy_timeout (self->checkpoint_db, 1000) != SQLITE_OK ||
          sqlite3_exec (self->checkpoint_db, "PRAGMA schema_version", NULL, NULL, NULL) != SQLITE_OK)
        {
          sqlite3_close_v2 (self->checkpoint_db);
          self->checkpoint_db = NULL;
        }
    }

  if (self->checkpoint_db != NULL)
    {
      int rc = sqlite3_wal_checkpoint_v2 (self->checkpoint_db, NULL,
                                          SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

      if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        g_debug ("Background checkpoint of %s: %s", self->path, sqlite3_errstr (rc));
    }

  /* Last touch of @self: finalize may run as soon as this is seen. */
  g_mutex_lock (&self->checkpoint_lock);
  self->checkpoint_unavailable = self->checkpoint_db == NULL;
  self->checkpoint_running = FALSE;
  g_cond_broadcast (&self->checkpoint_cond);
  g_mutex_unlock (&self->checkpoint_lock);
}

static int
wal_hook_cb (gpointer     user_data,
             sqlite3     *db,
             const char  *name,
             int          n_pages)
{
  FbStore *self = user_data;
  gboolean start = FALSE;
  gboolean inline_checkpoint = FALSE;

  if (n_pages < CHECKPOINT_PAGES)
    return SQLITE_OK;

  g_mutex_lock (&self->checkpoint_lock);
  if (self->checkpoint_unavailable)
    inline_checkpoint = TRUE;
  else if (!self->checkpoint_running)
    start = self->checkpoint_running = TRUE;
  g_mutex_unlock (&self->checkpoint_lock);

  if (start)
    {
      g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

      g_task_set_task_data (task, self, NULL);
      g_task_run_in_thread (task, checkpoint_thread);
    }
  else if (inline_checkpoint)
    {
      /* No second connection: what SQLite's own auto-checkpoint does. */
      sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    }

  return SQLITE_OK;
}

void
_fb_store_checkpoint_wait (FbStore *self)
{
  g_mutex_lock (&self->checkpoint_lock);
  while (self->checkpoint_running)
    g_cond_wait (&self->checkpoint_cond, &self->checkpoint_lock);
  g_mutex_unlock (&self->checkpoint_lock);
}

/* ---- Opening and migrating ---- */

static gboolean
query_int (FbStore     *self,
           const char  *sql,
           gint64      *value,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  /* Set on every path: callers read it only on success, but the compiler
   * cannot see that through _fb_store_set_sqlite_error (). */
  *value = 0;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        {
          *value = 0;
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  return TRUE;
}

static gboolean
migrate_to_v1 (FbStore  *self,
               GError  **error)
{
  return _fb_store_exec_once (self,
                              "PRAGMA application_id = " G_STRINGIFY (FB_STORE_APPLICATION_ID) ";"
                              "CREATE TABLE meta ("
                              "  key   TEXT PRIMARY KEY NOT NULL,"
                              "  value TEXT"
                              ");"
                              "CREATE TABLE items ("
                              "  id             TEXT PRIMARY KEY NOT NULL,"
                              "  collection     TEXT NOT NULL,"
                              "  body           TEXT NOT NULL,"
                              "  deleted        INTEGER NOT NULL DEFAULT 0,"
                              "  created_at     INTEGER NOT NULL,"
                              "  updated_at     INTEGER NOT NULL,"
                              /* Not "IN (…)": SQLite checks that through a
                     * temporary b-tree on every write. */
                              "  state          TEXT NOT NULL DEFAULT 'pending'"
                              "                 CHECK (state = 'synced' OR state = 'pending'"
                              "                        OR state = 'conflict'),"
                              "  local_seq      INTEGER NOT NULL DEFAULT 0,"
                              "  base_rev       TEXT,"
                              "  base_body      TEXT,"
                              "  server_rev     TEXT,"
                              "  server_body    TEXT,"
                              "  server_deleted INTEGER NOT NULL DEFAULT 0,"
                              "  sync_error     TEXT"
                              ");"
                              "CREATE INDEX items_by_collection ON items (collection, deleted, updated_at);"
                              "CREATE INDEX items_by_state ON items (state, local_seq);"
                              "INSERT INTO meta (key, value) VALUES ('local_seq', '0');",
                              error);
}

/* v2: full-text search. The index is filled here from C rather than by
 * triggers, because CJK text is split per character on the way in. Its
 * rowids are those of items; items are never VACUUMed without rebuilding
 * it (VACUUM may renumber rowids). */
static gboolean
migrate_to_v2 (FbStore  *self,
               GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!_fb_store_exec_once (self,
                            "CREATE VIRTUAL TABLE items_fts USING fts5 ("
                            "  title, text, extra,"
                            "  tokenize = 'unicode61 remove_diacritics 2'"
                            ");",
                            error))
    return FALSE;

  rc = sqlite3_prepare_v2 (self->db, "SELECT rowid, body FROM items WHERE deleted = 0",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (!_fb_store_index_row (self, sqlite3_column_int64 (stmt, 0),
                                (const char *) sqlite3_column_text (stmt, 1), FALSE, error))
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  return TRUE;
}

/* v4: what each push sent, until its answer is known (see "In flight"). */
static gboolean
migrate_to_v4 (FbStore  *self,
               GError  **error)
{
  return _fb_store_exec_once (self,
                              "CREATE TABLE in_flight ("
                              "  id        TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,"
                              "  local_seq INTEGER NOT NULL,"
                              "  body      TEXT," /* NULL: a deletion */
                              "  PRIMARY KEY (id, local_seq)"
                              ") WITHOUT ROWID;",
                              error);
}

typedef gboolean (*MigrateFunc) (FbStore *self, GError **error);

static const MigrateFunc migrations[FB_STORE_SCHEMA_VERSION] = {
  migrate_to_v1,
  migrate_to_v2,
  /* v3: the Trash and version history (fb-store-history.c). */
  _fb_store_history_migrate,
  migrate_to_v4,
};

gboolean
_fb_store_migrate (FbStore  *self,
                   gint64    version,
                   GError  **error)
{
  for (; version < FB_STORE_SCHEMA_VERSION; version++)
    {
      g_autofree char *set_version = NULL;

      /* Each step is one transaction: a crash leaves the older schema. */
      if (!_fb_store_exec_once (self, "BEGIN IMMEDIATE", error))
        return FALSE;

      set_version = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, version + 1);
      if (!migrations[version] (self, error) ||
          !_fb_store_exec_once (self, set_version, error) ||
          !_fb_store_exec_once (self, "COMMIT", error))
        {
          if (!sqlite3_get_autocommit (self->db))
            sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
_fb_store_check_schema (FbStore  *self,
                        gint64   *version,
                        GError  **error)
{
  gint64 application_id = 0;
  gint64 n_objects = 0;

  if (!query_int (self, "PRAGMA application_id", &application_id, error) ||
      !query_int (self, "PRAGMA user_version", version, error) ||
      !query_int (self, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    return FALSE;

  if (application_id != FB_STORE_APPLICATION_ID &&
      (application_id != 0 || *version != 0 || n_objects != 0))
    {
      _fb_store_set_sqlite_error (self, error, SQLITE_NOTADB);
      return FALSE;
    }

  if (*version > FB_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_TOO_NEW,
                   _("The database file “%s” was written by a newer version of Fieldbook"),
                   self->path);
      return FALSE;
    }

  return TRUE;
}

static gboolean
ensure_device_id (FbStore  *self,
                  GError  **error)
{
  g_autofree char *device_id = NULL;

  device_id = _fb_store_read_meta (self, "device_id", error);
  if (device_id == NULL)
    {
      if (error != NULL && *error != NULL)
        return FALSE;

      device_id = g_uuid_string_random ();
      if (!fb_store_begin (self, error))
        return FALSE;
      if (!_fb_store_write_meta (self, "device_id", device_id, error))
        {
          fb_store_rollback (self);
          return FALSE;
        }
      if (!fb_store_commit (self, error))
        {
          fb_store_rollback (self);
          return FALSE;
        }
    }

  g_free (self->device_id);
  self->device_id = g_steal_pointer (&device_id);

  return TRUE;
}

static gboolean
open_connection (FbStore     *self,
                 const char  *filename,
                 int          flags,
                 GError     **error)
{
  int rc;

  rc = sqlite3_open_v2 (filename, &self->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      int saved_errno = self->db != NULL ? sqlite3_system_errno (self->db) : 0;

      if ((rc & 0xff) == SQLITE_CANTOPEN && saved_errno != 0)
        g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_OPEN,
                     _("Cannot open the database file “%s”: %s"),
                     self->path, g_strerror (saved_errno));
      else
        _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, self->busy_timeout);

  return TRUE;
}

void
_fb_store_close_database (FbStore *self)
{
  /* Statements belong to their connection. */
  g_hash_table_remove_all (self->statements);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  self->db = NULL;
}

gboolean
_fb_store_open_writable (FbStore  *self,
                         GError  **error)
{
  gint64 version = 0;

  if (!open_connection (self, self->path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error) ||
      !_fb_store_check_schema (self, &version, error))
    return FALSE;

  /* SQLite opens a file it may not write (chattr +i, a read-only file
   * system, another user's file) for reading by itself. */
  if (sqlite3_db_readonly (self->db, "main") == 1)
    {
      int saved_errno = g_access (self->path, W_OK) == 0 ? EACCES : errno;

      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_OPEN,
                   _("The database file “%s” cannot be written to: %s"),
                   self->path, g_strerror (saved_errno));
      return FALSE;
    }

  /* WAL: readers never wait for the writer, and a commit is one append.
   * synchronous=NORMAL keeps every commit across a crash of the program;
   * only a power cut may lose the last ones, never consistency. */
  if (!_fb_store_exec_once (self, "PRAGMA journal_mode = WAL", error) ||
      !_fb_store_exec_once (self, "PRAGMA synchronous = NORMAL", error) ||
      !_fb_store_exec_once (self, "PRAGMA foreign_keys = ON", error))
    return FALSE;

  if (!_fb_store_migrate (self, version, error))
    return FALSE;

  sqlite3_wal_hook (self->db, wal_hook_cb, self);

  if (!_fb_store_load_counts (self, &self->pending_count, &self->conflict_count, error))
    return FALSE;
  self->live_pending = self->pending_count;
  self->live_conflict = self->conflict_count;

  return ensure_device_id (self, error);
}

/* For reading only: the WAL index in memory when the -shm cannot be
 * written, and without the WAL when there is none to read. */
gboolean
_fb_store_open_read_only (FbStore  *self,
                          GError  **error)
{
  g_autofree char *uri = _fb_store_read_only_uri (self->path, FALSE);
  g_autofree char *device_id = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 version = 0;

  if (!open_connection (self, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, error))
    return FALSE;

  if (!_fb_store_check_schema (self, &version, &local_error))
    {
      /* No -shm, and none can be made (a read-only folder): SQLite cannot
       * read the WAL then. Every connection keeps the -shm while it has the
       * database open, so without one nobody else has it open, and nobody
       * can start writing (that needs the -shm too). When the WAL holds no
       * transaction either, the database file alone is the whole truth and
       * can be read without locks. */
      if (!g_error_matches (local_error, FB_STORE_ERROR, FB_STORE_ERROR_OPEN) ||
          _fb_store_shm_exists (self->path) ||
          !_fb_store_wal_is_empty (self->path))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      g_clear_error (&local_error);
      _fb_store_close_database (self);
      g_free (uri);
      uri = _fb_store_read_only_uri (self->path, TRUE);
      if (!open_connection (self, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, error) ||
          !_fb_store_check_schema (self, &version, error))
        return FALSE;
    }

  /* An older schema cannot be read without updating it first. */
  if (version != FB_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_OPEN,
                   _("The database file “%s” must be updated before it can be read, and it cannot be written to"),
                   self->path);
      return FALSE;
    }

  if (!_fb_store_load_counts (self, &self->pending_count, &self->conflict_count, error))
    return FALSE;
  self->live_pending = self->pending_count;
  self->live_conflict = self->conflict_count;

  /* A database that never got as far as saving its device id: one for
   * this session (nothing is synced while read-only). */
  device_id = _fb_store_read_meta (self, "device_id", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_free (self->device_id);
  self->device_id = device_id != NULL ? g_steal_pointer (&device_id) : g_uuid_string_random ();

  return TRUE;
}

/* What may be read although it cannot be written: an existing file on a
 * full disk or a read-only location, not a damaged, foreign or newer one. */
static gboolean
can_read_instead (FbStore      *self,
                  const GError *error)
{
  if (error->domain != FB_STORE_ERROR ||
      (error->code != FB_STORE_ERROR_FULL &&
       error->code != FB_STORE_ERROR_OPEN &&
       error->code != FB_STORE_ERROR_FAILED))
    return FALSE;

  return g_file_test (self->path, G_FILE_TEST_IS_REGULAR);
}

gboolean
_fb_store_open_database (FbStore  *self,
                         GError  **error)
{
  g_autofree char *folder = g_path_get_dirname (self->path);
  g_autoptr(GError) writable_error = NULL;
  g_autoptr(GError) read_error = NULL;
  gboolean disk_full;

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_OPEN,
                   _("Cannot create the folder “%s” for the database: %s"),
                   folder, g_strerror (saved_errno));
      return FALSE;
    }

  if (_fb_store_open_writable (self, &writable_error))
    return TRUE;

  disk_full = g_error_matches (writable_error, FB_STORE_ERROR, FB_STORE_ERROR_FULL);
  _fb_store_close_database (self);

  if (can_read_instead (self, writable_error))
    {
      if (_fb_store_open_read_only (self, &read_error))
        {
          g_debug ("Opened %s for reading only: %s", self->path, writable_error->message);
          _fb_store_set_read_only_error (&self->read_only, self->path, disk_full);
          return TRUE;
        }

      g_debug ("Cannot open %s for reading either: %s", self->path, read_error->message);
      _fb_store_close_database (self);
    }

  /* The words for a full disk at a write say a change was lost; here
   * nothing was changed. */
  if (disk_full)
    g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_FULL,
                 _("The disk is full: there is no room to open the database “%s”"),
                 self->path);
  else
    g_propagate_error (error, g_steal_pointer (&writable_error));

  return FALSE;
}

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

/* ---- Shared with fb-store-history.c ---- */

void
_fb_store_queue_snapshot (FbStore           *self,
                          const FbStoreRow  *row)
{
  queue_snapshot (self, row, FALSE);
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
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL,
                  g_cclosure_marshal_VOID__OBJECT,
                  G_TYPE_NONE, 1, FB_TYPE_ITEM);
}

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
fb_store_init (FbStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            finalize_stmt);
  self->queue = g_ptr_array_new_with_free_func (g_object_unref);
  self->queue_marks = g_array_new (FALSE, FALSE, sizeof (guint));
  self->index_queue = g_array_new (FALSE, FALSE, sizeof (IndexEntry));
  g_array_set_clear_func (self->index_queue, (GDestroyNotify) index_entry_clear);
  self->index_marks = g_array_new (FALSE, FALSE, sizeof (guint));
  self->busy_timeout = default_busy_timeout;
  g_mutex_init (&self->checkpoint_lock);
  g_cond_init (&self->checkpoint_cond);
}
