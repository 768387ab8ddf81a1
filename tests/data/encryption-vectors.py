#!/usr/bin/env python3
# encryption-vectors.py: the known-answer vectors of docs/encryption.md, made
# from that document alone (libsodium through ctypes, no Fieldbook code), so
# that tests/sync/test-encryption.c checks Fieldbook against an independent
# reading of the format. Prints the keys document and the encrypted document.
import base64, ctypes, json

sodium = ctypes.CDLL("libsodium.so.23")
assert sodium.sodium_init() >= 0

def b64(data):
    return base64.b64encode(bytes(data)).decode()

passphrase = b"correct horse battery staple"
salt = bytes(range(0x00, 0x10))            # crypto_pwhash_SALTBYTES = 16
opslimit, memlimit = 2, 67108864           # libsodium's INTERACTIVE limits
data_key = bytes(range(0x20, 0x40))        # 32 bytes
key_id = b64(range(0x00, 0x10))            # base64 of 16 bytes
wrap_nonce = bytes(range(0x40, 0x58))      # 24 bytes
doc_nonce = bytes(range(0x60, 0x78))       # 24 bytes

kek = ctypes.create_string_buffer(32)
assert sodium.crypto_pwhash(kek, ctypes.c_ulonglong(32), passphrase, ctypes.c_ulonglong(len(passphrase)),
                            salt, ctypes.c_ulonglong(opslimit), ctypes.c_size_t(memlimit),
                            ctypes.c_int(2)) == 0  # crypto_pwhash_ALG_ARGON2ID13

def seal(key, nonce, plain, ad):
    out = ctypes.create_string_buffer(len(plain) + 16)
    out_len = ctypes.c_ulonglong(0)
    assert sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        out, ctypes.byref(out_len), plain, ctypes.c_ulonglong(len(plain)),
        ad, ctypes.c_ulonglong(len(ad)), None, nonce, key) == 0
    return out.raw[:out_len.value]

wrapped = seal(kek.raw, wrap_nonce, data_key, ("fieldbook-keys-v1:" + key_id).encode())
keys_doc = {
    "_id": "fieldbook-keys", "type": "keys", "version": 1, "key_id": key_id,
    "kdf": {"alg": "argon2id13", "salt": b64(salt), "opslimit": opslimit, "memlimit": memlimit},
    "wrapped": {"alg": "xchacha20poly1305-ietf", "nonce": b64(wrap_nonce), "ciphertext": b64(wrapped)},
}

content = json.dumps({"type": "notes", "title": "Heron at the weir", "text": "Two adults, one juvenile.\nWind NW.", "tags": ["birds"]},
                     ensure_ascii=False, separators=(",", ":")).encode()
sealed = seal(data_key, doc_nonce, content, b"fieldbook-document-v1:note-kat")
document = {"_id": "note-kat", "_rev": "1-0123456789abcdef",
            "fieldbook_encrypted": {"v": 1, "kid": key_id, "nonce": b64(doc_nonce), "data": b64(sealed)}}

# An attachment's name on the server, and a document with a sealed one.
name_key = ctypes.create_string_buffer(32)
assert sodium.crypto_kdf_derive_from_key(name_key, ctypes.c_size_t(32), ctypes.c_uint64(2),
                                         b"fbattach", data_key) == 0
hashed = ctypes.create_string_buffer(16)
message = b"note-kat\x00heron.jpg"
assert sodium.crypto_generichash(hashed, ctypes.c_size_t(16), message, ctypes.c_ulonglong(len(message)),
                                 name_key.raw, ctypes.c_size_t(32)) == 0
server_name = hashed.raw.hex()
listed = {"heron.jpg": {"content_type": "image/jpeg", "length": 5, "digest": "md5-XUFAKrxLKna5cZ2REBfFkg=="}}
content2 = json.dumps({"type": "notes", "title": "Heron, photo", "fieldbook_attachments": listed},
                      ensure_ascii=False, separators=(",", ":")).encode()
sealed2 = seal(data_key, doc_nonce, content2, b"fieldbook-document-v1:note-kat")
document2 = {"_id": "note-kat", "_rev": "2-0123456789abcdef",
             "_attachments": {server_name: {"content_type": "application/octet-stream", "stub": True,
                                            "digest": "md5-sealedsealedsealedseal==", "length": 46}},
             "fieldbook_encrypted": {"v": 1, "kid": key_id, "nonce": b64(doc_nonce), "data": b64(sealed2)}}

print(json.dumps(keys_doc, indent=2))
print(json.dumps(document, indent=2))
print(content.decode())
print(server_name)
print(json.dumps(document2, indent=2))
print(content2.decode())
