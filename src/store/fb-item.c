/* fb-item.c: immutable snapshots of stored items */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include "fb-item.h"
#include "fb-store-private.h"

struct _FbItem
{
  GObject      parent_instance;

  gint64       rowid;
  char        *id;
  char        *collection;
  gint64       created_at;
  gint64       updated_at;
  gint64       local_seq;
  char        *base_rev;
  char        *server_rev;
  char        *sync_error;
  FbItemState  state;
  guint        deleted : 1;
  guint        server_deleted : 1;

  /* Bodies are kept as the stored JSON text and parsed on first use: most
   * snapshots (those of a sync batch) are announced and dropped unread. */
  char        *body_text;
  char        *base_body_text;
  char        *server_body_text;
  JsonObject  *body;
  JsonObject  *base_body;
  JsonObject  *server_body;
};

G_DEFINE_FINAL_TYPE (FbItem, fb_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_COLLECTION,
  PROP_TITLE,
  PROP_TEXT,
  PROP_DELETED,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_STATE,
  PROP_LOCAL_SEQ,
  PROP_SYNC_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fb_item_finalize (GObject *object)
{
  FbItem *self = FB_ITEM (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->collection, g_free);
  g_clear_pointer (&self->body, json_object_unref);
  g_clear_pointer (&self->base_rev, g_free);
  g_clear_pointer (&self->base_body, json_object_unref);
  g_clear_pointer (&self->server_rev, g_free);
  g_clear_pointer (&self->server_body, json_object_unref);
  g_clear_pointer (&self->sync_error, g_free);
  g_clear_pointer (&self->body_text, g_free);
  g_clear_pointer (&self->base_body_text, g_free);
  g_clear_pointer (&self->server_body_text, g_free);

  G_OBJECT_CLASS (fb_item_parent_class)->finalize (object);
}

static void
fb_item_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  FbItem *self = FB_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_COLLECTION:
      g_value_set_string (value, self->collection);
      break;
    case PROP_TITLE:
      g_value_set_string (value, fb_item_get_title (self));
      break;
    case PROP_TEXT:
      g_value_set_string (value, fb_item_get_text (self));
      break;
    case PROP_DELETED:
      g_value_set_boolean (value, self->deleted);
      break;
    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    case PROP_UPDATED_AT:
      g_value_set_int64 (value, self->updated_at);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_LOCAL_SEQ:
      g_value_set_int64 (value, self->local_seq);
      break;
    case PROP_SYNC_ERROR:
      g_value_set_string (value, self->sync_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_item_class_init (FbItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fb_item_finalize;
  object_class->get_property = fb_item_get_property;

  /* Read-only, and never notified: a snapshot does not change. They exist
   * so list rows can bind to them with GtkExpressions. */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLLECTION] =
    g_param_spec_string ("collection", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DELETED] =
    g_param_spec_boolean ("deleted", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_UPDATED_AT] =
    g_param_spec_int64 ("updated-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      FB_ITEM_STATE_SYNCED, FB_ITEM_STATE_CONFLICT,
                      FB_ITEM_STATE_SYNCED,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOCAL_SEQ] =
    g_param_spec_int64 ("local-seq", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SYNC_ERROR] =
    g_param_spec_string ("sync-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fb_item_init (FbItem *self)
{
}

/* ---- Private construction ---- */

const char *
_fb_item_state_to_string (FbItemState state)
{
  switch (state)
    {
    case FB_ITEM_STATE_SYNCED:
      return "synced";
    case FB_ITEM_STATE_PENDING:
      return "pending";
    case FB_ITEM_STATE_CONFLICT:
      return "conflict";
    default:
      g_assert_not_reached ();
    }
}

FbItemState
_fb_item_state_from_string (const char *str)
{
  if (g_strcmp0 (str, "pending") == 0)
    return FB_ITEM_STATE_PENDING;
  if (g_strcmp0 (str, "conflict") == 0)
    return FB_ITEM_STATE_CONFLICT;
  return FB_ITEM_STATE_SYNCED;
}

/* A body that cannot be parsed was not written by us; it is shown as empty
 * rather than taking the whole list down. */
static JsonObject *
parse_body (FbItem     *self,
            const char *text,
            gboolean    nullable)
{
  g_autoptr(GError) error = NULL;
  JsonObject *body;

  if (text == NULL)
    return nullable ? NULL : json_object_new ();

  body = fb_body_from_string (text, &error);
  if (body == NULL)
    {
      g_warning ("Item %s has an unreadable body: %s", self->id, error->message);
      return json_object_new ();
    }

  return body;
}

/* A parsed body the writer had in hand is shared only when nobody can
 * change it any more. */
static JsonObject *
share_body (JsonObject *body)
{
  return body != NULL && json_object_is_immutable (body) ? json_object_ref (body) : NULL;
}

/* Moves the values of @row into a new snapshot; @row is left cleared. */
static FbItem *
item_take_row (FbStoreRow *row,
               gboolean    purged)
{
  FbItem *self = g_object_new (FB_TYPE_ITEM, NULL);

  self->rowid = row->rowid;
  self->id = g_steal_pointer (&row->id);
  self->collection = g_steal_pointer (&row->collection);
  self->body_text = g_steal_pointer (&row->body);
  self->deleted = purged || row->deleted;
  self->created_at = row->created_at;
  self->updated_at = row->updated_at;
  self->state = purged ? FB_ITEM_STATE_SYNCED : row->state;
  self->local_seq = row->local_seq;
  self->base_rev = g_steal_pointer (&row->base_rev);
  self->base_body_text = g_steal_pointer (&row->base_body);
  self->server_rev = g_steal_pointer (&row->server_rev);
  self->server_body_text = g_steal_pointer (&row->server_body);
  self->server_deleted = row->server_deleted;
  self->sync_error = g_steal_pointer (&row->sync_error);

  self->body = share_body (row->body_object);
  if (self->base_body_text != NULL)
    self->base_body = share_body (row->base_body_object);
  _fb_store_row_clear (row);

  return self;
}

FbItem *
_fb_item_new_from_row (const FbStoreRow *row,
                       gboolean          purged)
{
  FbStoreRow copy;

  _fb_store_row_copy (row, &copy);
  copy.body_object = row->body_object;
  copy.base_body_object = row->base_body_object;

  return item_take_row (&copy, purged);
}

FbItem *
_fb_item_new_take_row (FbStoreRow *row)
{
  return item_take_row (row, FALSE);
}

const char *
fb_item_get_body_json (FbItem *self)
{
  g_return_val_if_fail (FB_IS_ITEM (self), NULL);

  return self->body_text;
}

gint64
_fb_item_get_rowid (FbItem *self)
{
  g_return_val_if_fail (FB_IS_ITEM (self), 0);

  return self->rowid;
}

/* ---- Getters ---- */

const char *
fb_item_get_id (FbItem *self)
{
  g_return_val_if_fail (FB_IS_ITEM (self), NULL);

  return self->id;
}

const char *
fb_item_get_collection (FbItem *self)
{
  g_return_val_if_fail (FB_IS_ITEM (self), NULL);

  return self->collection;
}

JsonObject *
fb_item_get_body (FbItem *self)
{
  g_return_val_if_fail (FB_IS_ITEM (self), NULL);

  if (self->body == NULL)
    self->body = parse_body (self, self->body_text, FALSE);

  return self->body;
}

gboolean
fb_item_get_deleted (FbItem *self)
{
  g_return_val_if_fail (FB_IS_ITEM (self), FALSE);

  return self->deleted;
}

gint64
fb_item_get_created_at (FbItem *self)
{
  g_return_val_if_fail (FB_IS_ITEM (self), 0);

  return self->created_at;
}

gint64
fb_item_get_updated_at (FbItem *self)
{
  g_return_val_if_fail (FB_IS_ITEM (self), 0);

  return self->updated_at;
}

FbItemState
fb_item_get_state (FbItem *self)
{
  g_return_val_if_fail (FB_IS_ITEM (self), FB_ITEM_STATE_SYNCED);

  return self->state;
}

gint64
fb_item_get_local_seq (FbItem *self)
{
  g_return_val_if_fail (FB_IS_ITEM (self), 0);

  return self->local_seq;
}

const char *
fb_item_get_base_rev (FbItem *self)
{
  g_return_val_if_fail (FB_IS_ITEM (self), NULL);

  return self->base_rev;
}

JsonObject *
fb_item_get_base_body (FbItem *self)
{
  g_return_val_if_fail (FB_IS_ITEM (self), NULL);

  if (self->base_body == NULL && self->base_body_text != NULL)
    self->base_body = parse_body (self, self->base_body_text, TRUE);

  return self->base_body;
}

const char *
fb_item_get_server_rev (FbItem *self)
{
  g_return_val_if_fail (FB_IS_ITEM (self), NULL);

  return self->server_rev;
}

JsonObject *
fb_item_get_server_body (FbItem *self)
{
  g_return_val_if_fail (FB_IS_ITEM (self), NULL);

  if (self->server_body == NULL && self->server_body_text != NULL)
    self->server_body = parse_body (self, self->server_body_text, TRUE);

  return self->server_body;
}

gboolean
fb_item_get_server_deleted (FbItem *self)
{
  g_return_val_if_fail (FB_IS_ITEM (self), FALSE);

  return self->server_deleted;
}

const char *
fb_item_get_sync_error (FbItem *self)
{
  g_return_val_if_fail (FB_IS_ITEM (self), NULL);

  return self->sync_error;
}

const char *
fb_item_get_title (FbItem *self)
{
  g_return_val_if_fail (FB_IS_ITEM (self), NULL);

  return fb_body_get_string (fb_item_get_body (self), "title");
}

const char *
fb_item_get_text (FbItem *self)
{
  g_return_val_if_fail (FB_IS_ITEM (self), NULL);

  return fb_body_get_string (fb_item_get_body (self), "text");
}
