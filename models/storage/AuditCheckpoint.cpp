#include "storage/AuditCheckpoint.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace PoolDesk {

namespace {

const QString Format = QStringLiteral("pooldesk-audit-checkpoint-1");

Error invalid(const QString &message) {
    return makeError(Error::Code::InvalidInput, message);
}

// JSON numbers are doubles: a sequence or a time beyond 2^53 would not survive, nor would a
// fraction; both mean the file is not one PoolDesk wrote.
std::optional<qint64> wholeNumber(const QJsonValue &value) {
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    constexpr double Limit = 9007199254740992.0; // 2^53
    if (!(number >= 0 && number < Limit) || number != static_cast<double>(static_cast<qint64>(number)))
        return std::nullopt;
    return static_cast<qint64>(number);
}

std::optional<QByteArray> strictBase64(const QJsonValue &value, qsizetype size) {
    if (!value.isString())
        return std::nullopt;
    const auto decoded =
        QByteArray::fromBase64Encoding(value.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() != size)
        return std::nullopt;
    return decoded.decoded;
}

bool isLowerHex(const QString &text) {
    for (const QChar c : text) {
        if (!((c >= QLatin1Char('0') && c <= QLatin1Char('9')) ||
              (c >= QLatin1Char('a') && c <= QLatin1Char('f'))))
            return false;
    }
    return true;
}

} // namespace

QByteArray AuditCheckpoint::signedMessage() const {
    return QStringLiteral("PoolDesk audit checkpoint 1\nlog %1\nseq %2\nhash %3\nat %4\n")
        .arg(logId)
        .arg(seq)
        .arg(QString::fromLatin1(hash.toHex()))
        .arg(at)
        .toUtf8();
}

QByteArray AuditCheckpoint::toJson() const {
    const QJsonObject object{
        {QStringLiteral("format"), Format},
        {QStringLiteral("log"), logId},
        {QStringLiteral("seq"), seq},
        {QStringLiteral("hash"), QString::fromLatin1(hash.toHex())},
        {QStringLiteral("at"), at},
        {QStringLiteral("at_utc"), QDateTime::fromSecsSinceEpoch(at, Qt::UTC).toString(Qt::ISODate)},
        {QStringLiteral("public_key"), QString::fromLatin1(publicKey.toBase64())},
        {QStringLiteral("signature"), QString::fromLatin1(signature.toBase64())},
    };
    return QJsonDocument(object).toJson(QJsonDocument::Indented);
}

Result<AuditCheckpoint> AuditCheckpoint::fromJson(const QByteArray &json) {
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return invalid(QCoreApplication::translate("AuditCheckpoint", "not a JSON object"));
    const QJsonObject object = document.object();
    if (object.value(QStringLiteral("format")).toString() != Format)
        return invalid(QCoreApplication::translate("AuditCheckpoint",
                                                   "not a PoolDesk audit checkpoint (format is not %1)")
                           .arg(Format));
    AuditCheckpoint checkpoint;
    const QJsonValue log = object.value(QStringLiteral("log"));
    if (!log.isString() || log.toString().isEmpty() || log.toString().size() > 64 ||
        !isLowerHex(log.toString()))
        return invalid(
            QCoreApplication::translate("AuditCheckpoint", "the log identity is missing or malformed"));
    checkpoint.logId = log.toString();
    const auto seq = wholeNumber(object.value(QStringLiteral("seq")));
    if (!seq)
        return invalid(QCoreApplication::translate("AuditCheckpoint",
                                                   "the sequence number is missing or not a whole number"));
    checkpoint.seq = *seq;
    const auto at = wholeNumber(object.value(QStringLiteral("at")));
    if (!at)
        return invalid(QCoreApplication::translate("AuditCheckpoint",
                                                   "the time is missing or not a whole number of seconds"));
    checkpoint.at = *at;
    const QString hash = object.value(QStringLiteral("hash")).toString();
    if (hash.size() != 64 || !isLowerHex(hash))
        return invalid(
            QCoreApplication::translate("AuditCheckpoint", "the hash is not 64 hexadecimal digits"));
    checkpoint.hash = QByteArray::fromHex(hash.toLatin1());
    const auto key = strictBase64(object.value(QStringLiteral("public_key")), 32);
    if (!key)
        return invalid(
            QCoreApplication::translate("AuditCheckpoint", "the public key is not 32 bytes in base64"));
    checkpoint.publicKey = *key;
    const auto signature = strictBase64(object.value(QStringLiteral("signature")), 64);
    if (!signature)
        return invalid(
            QCoreApplication::translate("AuditCheckpoint", "the signature is not 64 bytes in base64"));
    checkpoint.signature = *signature;
    return checkpoint;
}

QString AuditCheckpoint::fileName() const {
    return QStringLiteral("pooldesk-audit-%1-%2.json").arg(logId.left(8)).arg(seq, 12, 10, QLatin1Char('0'));
}

namespace AuditCheckpoints {

Result<QList<AuditCheckpoint>> readWitness(const QString &path) {
    const QFileInfo info(path);
    QStringList files;
    if (info.isDir()) {
        const QDir folder(path);
        for (const QString &name : folder.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
            files.append(folder.filePath(name));
    } else if (info.isFile()) {
        files.append(path);
    } else {
        return makeError(Error::Code::NotFound,
                         QCoreApplication::translate("AuditCheckpoint", "The witness %1 does not exist.")
                             .arg(QDir::toNativeSeparators(path)));
    }
    QList<AuditCheckpoint> checkpoints;
    for (const QString &file : files) {
        QFile in(file);
        // A checkpoint is a few hundred bytes; a large file in a witness folder is not one.
        if (!in.open(QIODevice::ReadOnly) || in.size() > 64 * 1024)
            return makeError(
                Error::Code::InvalidInput,
                QCoreApplication::translate("AuditCheckpoint", "%1 cannot be read as an audit checkpoint.")
                    .arg(QDir::toNativeSeparators(file)));
        auto checkpoint = AuditCheckpoint::fromJson(in.readAll());
        if (!checkpoint)
            return makeError(
                Error::Code::InvalidInput,
                QCoreApplication::translate("AuditCheckpoint", "%1 is not an audit checkpoint: %2.")
                    .arg(QDir::toNativeSeparators(file), checkpoint.error().message));
        checkpoint.value().source = QDir::toNativeSeparators(file);
        checkpoints.append(checkpoint.value());
    }
    return checkpoints;
}

Result<QString> writeWitness(const QString &folder, const AuditCheckpoint &checkpoint) {
    if (!QDir().mkpath(folder))
        return makeError(
            Error::Code::Storage,
            QCoreApplication::translate("AuditCheckpoint", "The witness folder %1 cannot be created.")
                .arg(QDir::toNativeSeparators(folder)));
    const QString path = QDir(folder).filePath(checkpoint.fileName());
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(checkpoint.toJson()) < 0 || !out.commit())
        return makeError(
            Error::Code::Storage,
            QCoreApplication::translate("AuditCheckpoint", "The checkpoint could not be written to %1: %2")
                .arg(QDir::toNativeSeparators(path), out.errorString()));
    return path;
}

} // namespace AuditCheckpoints
} // namespace PoolDesk
