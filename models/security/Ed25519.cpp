#include "security/Ed25519.h"

#include <QCoreApplication>
#include <QCryptographicHash>

#include <openssl/evp.h>

#include <memory>

namespace PoolDesk::Ed25519 {

namespace {

constexpr qsizetype KeySize = 32;
constexpr qsizetype SignatureSize = 64;

struct KeyFree {
    void operator()(EVP_PKEY *key) const { EVP_PKEY_free(key); }
};
struct ContextFree {
    void operator()(EVP_MD_CTX *context) const { EVP_MD_CTX_free(context); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Context = std::unique_ptr<EVP_MD_CTX, ContextFree>;

Error failure(const char *what) {
    return makeError(Error::Code::Storage, QCoreApplication::translate("Ed25519", what));
}

Result<KeyPair> pairOf(EVP_PKEY *key) {
    KeyPair pair;
    pair.privateKey.resize(KeySize);
    pair.publicKey.resize(KeySize);
    size_t privateSize = KeySize;
    size_t publicSize = KeySize;
    if (EVP_PKEY_get_raw_private_key(key, reinterpret_cast<unsigned char *>(pair.privateKey.data()),
                                     &privateSize) != 1 ||
        EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char *>(pair.publicKey.data()),
                                    &publicSize) != 1 ||
        privateSize != KeySize || publicSize != KeySize)
        return failure(QT_TRANSLATE_NOOP("Ed25519", "OpenSSL could not export the signing key."));
    return pair;
}

} // namespace

Result<KeyPair> generate() {
    const Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    if (!key)
        return failure(QT_TRANSLATE_NOOP("Ed25519", "OpenSSL could not make an Ed25519 key."));
    return pairOf(key.get());
}

// The OpenSSL key of a stored 32-byte seed.
Result<Key> privateKeyOf(const QByteArray &privateKey) {
    Key key(privateKey.size() == KeySize
                ? EVP_PKEY_new_raw_private_key(
                      EVP_PKEY_ED25519, nullptr,
                      reinterpret_cast<const unsigned char *>(privateKey.constData()), KeySize)
                : nullptr);
    if (!key)
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate("Ed25519", "The stored signing key is not an Ed25519 key."));
    return key;
}

Result<KeyPair> fromPrivateKey(const QByteArray &privateKey) {
    auto key = privateKeyOf(privateKey);
    if (!key)
        return key.error();
    return pairOf(key.value().get());
}

Result<QByteArray> sign(const QByteArray &privateKey, const QByteArray &message) {
    auto key = privateKeyOf(privateKey);
    if (!key)
        return key.error();
    const Context context(EVP_MD_CTX_new());
    if (!context || EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key.value().get()) != 1)
        return failure(QT_TRANSLATE_NOOP("Ed25519", "OpenSSL could not sign."));
    QByteArray signature(SignatureSize, '\0');
    size_t size = SignatureSize;
    if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char *>(signature.data()), &size,
                       reinterpret_cast<const unsigned char *>(message.constData()),
                       static_cast<size_t>(message.size())) != 1 ||
        size != SignatureSize)
        return failure(QT_TRANSLATE_NOOP("Ed25519", "OpenSSL could not sign."));
    return signature;
}

bool verify(const QByteArray &publicKey, const QByteArray &message, const QByteArray &signature) {
    if (publicKey.size() != KeySize || signature.size() != SignatureSize)
        return false;
    const Key key(EVP_PKEY_new_raw_public_key(
        EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char *>(publicKey.constData()), KeySize));
    const Context context(EVP_MD_CTX_new());
    if (!key || !context || EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key.get()) != 1)
        return false;
    return EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char *>(signature.constData()),
                            SignatureSize, reinterpret_cast<const unsigned char *>(message.constData()),
                            static_cast<size_t>(message.size())) == 1;
}

QString fingerprint(const QByteArray &publicKey) {
    const QByteArray digest = QCryptographicHash::hash(publicKey, QCryptographicHash::Sha256);
    return QStringLiteral("SHA256:") +
           QString::fromLatin1(digest.toBase64(QByteArray::Base64Encoding | QByteArray::OmitTrailingEquals));
}

} // namespace PoolDesk::Ed25519
