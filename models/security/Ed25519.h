#pragma once

#include "domain/Result.h"

#include <QByteArray>
#include <QString>

namespace PoolDesk::Ed25519 {

// Ed25519 signatures through OpenSSL 3's EVP interface: no cryptography of our own.
struct KeyPair {
    QByteArray privateKey; // the 32-byte seed; a secret: kept in the OS keychain only
    QByteArray publicKey;  // 32 bytes
};

Result<KeyPair> generate();
// The pair of a stored seed; an error when it is not a valid 32-byte seed.
Result<KeyPair> fromPrivateKey(const QByteArray &privateKey);
Result<QByteArray> sign(const QByteArray &privateKey, const QByteArray &message);
// False for a wrong signature, a key or signature of the wrong size, or a malformed key.
bool verify(const QByteArray &publicKey, const QByteArray &message, const QByteArray &signature);
// "SHA256:" and the unpadded base64 of the public key's SHA-256, as OpenSSH prints key fingerprints.
QString fingerprint(const QByteArray &publicKey);

} // namespace PoolDesk::Ed25519
