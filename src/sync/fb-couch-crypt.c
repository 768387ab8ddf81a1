/* fb-couch-crypt.c: FbCouchClient's end-to-end encryption boundary */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-couch"

#include "config.h"

#include <string.h>

#include "fb-couch-client-private.h"

/* Part of FbCouchClient (see fb-couch-client-private.h). With a data key
 * set, every document the client sends is sealed (fb_data_key_encrypt_document ())
 * and every document it hands back is opened, so that the rest of the sync
 * layer — push, pull, branches, reconciliation, merging — only ever sees
 * plain documents. A document that does not open is never handed back:
 * its id is kept for fb_couch_client_take_undecryptable (). */

void
fb_couch_client_set_data_key (FbCouchClient *self,
                              FbDataKey     *key)
{
  g_return_if_fail (FB_IS_COUCH_CLIENT (self));

  if (key != NULL)
    fb_data_key_ref (key);
  g_clear_pointer (&self->data_key, fb_data_key_unref);
  self->data_key = key;
}

FbDataKey *
fb_couch_client_get_data_key (FbCouchClient *self)
{
  g_return_val_if_fail (FB_IS_COUCH_CLIENT (self), NULL);

  return self->data_key;
}

void
fb_couch_client_set_passphrase (FbCouchClient *self,
                                const char    *passphrase)
{
  g_return_if_fail (FB_IS_COUCH_CLIENT (self));

  fb_secret_free (&self->passphrase);
  self->passphrase = passphrase != NULL && *passphrase != '\0' ? g_strdup (passphrase) : NULL;
  g_clear_pointer (&self->data_key, fb_data_key_unref);
}

const char *
fb_couch_client_get_passphrase (FbCouchClient *self)
{
  g_return_val_if_fail (FB_IS_COUCH_CLIENT (self), NULL);

  return self->passphrase;
}

JsonObject *
fb_couch_client_seal_document (FbCouchClient *self,
                               JsonObject    *doc)
{
  g_return_val_if_fail (FB_IS_COUCH_CLIENT (self), NULL);
  g_return_val_if_fail (doc != NULL, NULL);

  /* The keys document is the one that must stay readable. */
  if (self->data_key == NULL ||
      g_strcmp0 (json_object_get_string_member_with_default (doc, "_id", NULL),
                 FB_CRYPTO_KEYS_ID) == 0)
    return json_object_ref (doc);

  return fb_data_key_encrypt_document (self->data_key, doc);
}

char *
_fb_couch_client_seal_json (FbCouchClient *self,
                            const char    *json)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonObject) sealed = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonNode *root;

  if (self->data_key == NULL)
    return g_strdup (json);

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (root = json_parser_get_root (parser)))
    g_error ("A document to send is not a JSON object: %s", json);

  sealed = fb_couch_client_seal_document (self, json_node_get_object (root));
  node = json_node_init_object (json_node_alloc (), sealed);
  return json_to_string (node, FALSE);
}

JsonObject *
_fb_couch_client_open_document (FbCouchClient *self,
                                JsonObject    *doc)
{
  g_autoptr(GError) error = NULL;
  const char *id = json_object_get_string_member_with_default (doc, "_id", NULL);
  JsonObject *plain;

  if (!fb_crypto_document_is_encrypted (doc))
    return json_object_ref (doc);

  if (self->data_key == NULL)
    {
      g_set_error (&error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE,
                   "%s is encrypted and no key is set", id != NULL ? id : "a document");
      plain = NULL;
    }
  else
    {
      plain = fb_data_key_decrypt_document (self->data_key, doc, &error);
    }

  if (plain == NULL)
    {
      g_message ("%s", error->message);
      if (id != NULL)
        g_hash_table_add (self->undecryptable, g_strdup (id));
    }
  return plain;
}

gboolean
fb_couch_client_is_undecryptable (FbCouchClient *self,
                                  const char    *id)
{
  g_return_val_if_fail (FB_IS_COUCH_CLIENT (self), FALSE);

  return g_hash_table_contains (self->undecryptable, id);
}

GPtrArray *
fb_couch_client_take_undecryptable (FbCouchClient *self)
{
  GPtrArray *ids;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (FB_IS_COUCH_CLIENT (self), NULL);

  ids = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_iter_init (&iter, self->undecryptable);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_ptr_array_add (ids, key);
      g_hash_table_iter_steal (&iter);
    }
  return ids;
}
