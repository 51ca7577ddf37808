// What `pooldeskctl audit verify` reads from outside the database: witness files
// (AuditCheckpoint::fromJson), and the entries it walks (AuditChain::verify), whatever an intruder
// wrote into them. The first byte picks which.
#include "FuzzCheck.h"

#include "storage/AuditChain.h"
#include "storage/AuditCheckpoint.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>

#include <cstddef>
#include <cstdint>

using namespace PoolDesk;

namespace {

void readCheckpoint(const QByteArray &json) {
    const auto read = AuditCheckpoint::fromJson(json);
    if (!read) {
        FUZZ_CHECK(!read.error().message.isEmpty());
        return;
    }
    const AuditCheckpoint &checkpoint = read.value();
    FUZZ_CHECK(checkpoint.hash.size() == 32 && checkpoint.publicKey.size() == 32 &&
               checkpoint.signature.size() == 64);
    // What was read is what would be written again, and signs the same message.
    const auto again = AuditCheckpoint::fromJson(checkpoint.toJson());
    FUZZ_CHECK(again);
    FUZZ_CHECK(again->logId == checkpoint.logId && again->seq == checkpoint.seq &&
               again->hash == checkpoint.hash && again->at == checkpoint.at &&
               again->publicKey == checkpoint.publicKey && again->signature == checkpoint.signature);
    FUZZ_CHECK(again->signedMessage() == checkpoint.signedMessage());
}

// A JSON array of entries [seq, at, actor, action, target, link-ok]: the chain is built as
// AuditLog::write would, then the entries marked not ok get a wrong hash. The verifier must not
// crash, must call an untouched chain intact, and a broken one not.
void walkEntries(const QByteArray &json) {
    const QJsonArray rows = QJsonDocument::fromJson(json).array();
    QList<AuditChain::Entry> entries;
    QByteArray previous = AuditChain::genesis();
    bool tampered = false;
    qint64 id = 0;
    for (const QJsonValue &value : rows) {
        const QJsonArray row = value.toArray();
        AuditChain::Entry entry;
        entry.id = ++id;
        entry.seq = row.at(0).toInteger();
        entry.at = row.at(1).toInteger();
        entry.actor = row.at(2).toString();
        entry.action = row.at(3).toString();
        if (row.at(4).isString())
            entry.target = row.at(4).toString();
        entry.hash = AuditChain::link(previous, entry);
        if (!row.at(5).toBool(true)) {
            entry.hash[0] = char(entry.hash.at(0) ^ 0x01);
            tampered = true;
        }
        previous = entry.hash;
        entries.append(entry);
    }
    const AuditChain::Verdict verdict = AuditChain::verify(entries);
    bool inOrder = true;
    for (qsizetype i = 0; i < entries.size(); ++i)
        inOrder = inOrder && entries.at(i).seq == i + 1;
    if (inOrder && !tampered)
        FUZZ_CHECK(verdict.intact());
    if (inOrder && tampered)
        FUZZ_CHECK(!verdict.intact());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0)
        return 0;
    const QByteArray input(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    if (data[0] & 1)
        walkEntries(input);
    else
        readCheckpoint(input);
    return 0;
}
