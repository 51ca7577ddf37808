#include "twilio/ImportNumbersOperation.h"

#include "domain/Clock.h"
#include "domain/PhoneNumber.h"
#include "pool/Numbers.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "twilio/ReleaseMarks.h"
#include "twilio/TwilioApi.h"

#include <QLoggingCategory>
#include <QSet>

Q_LOGGING_CATEGORY(lcImport, "pooldesk.twilio.import", QtInfoMsg)

namespace PoolDesk::Twilio {

void ImportNumbersOperation::run() {
    report(0, 0, tr("Fetching the numbers of the %1 account…").arg(m_context.profile.name));
    Api::listIncomingNumbers(
        client(), this,
        [this](const QList<IncomingNumber> &page) {
            m_fetched.append(page);
            report(int(m_fetched.size()), 0, tr("Fetched %n number(s)…", nullptr, int(m_fetched.size())));
            return !isCancelled();
        },
        [this](Status fetched) {
            if (stopIfCancelled())
                return;
            if (!fetched)
                return finish(fetched);
            finish(apply());
        });
}

Status ImportNumbersOperation::apply() {
    const QString env = m_context.profile.name;
    // Numbers whose release is under way are left to it. A release interrupted long ago is undone
    // first: the list just fetched then says whether the number is still at Twilio (kept) or not
    // (flagged missing, like any number gone from the account).
    auto marks = ReleaseMarks::list(db(), env);
    if (!marks)
        return marks.error();
    QSet<QString> releasing;
    const qint64 now = Clock::nowSecs();
    for (const ReleaseMarks::Mark &mark : marks.value()) {
        if (!mark.isStale(now)) {
            releasing.insert(mark.e164);
        } else if (auto undone = ReleaseMarks::undo(db(), mark.numberId); !undone) {
            return undone;
        }
    }
    Numbers numbers(db());
    auto existing = numbers.list(NumberFilter{env, std::nullopt, std::nullopt, {}});
    if (!existing)
        return existing.error();
    QHash<QString, PoolNumber> known;
    for (const PoolNumber &n : existing.value())
        known.insert(n.e164, n);

    QSet<QString> onTwilio;
    int done = 0;
    for (const IncomingNumber &remote : std::as_const(m_fetched)) {
        if (isCancelled())
            return makeError(Error::Code::Cancelled,
                             tr("Cancelled after %n number(s); run the import again to "
                                "finish (it is safe to repeat).",
                                nullptr, done));
        const auto e164 = PhoneNumber::normalize(remote.e164);
        if (!e164) {
            qCWarning(lcImport) << "skipping a number Twilio listed in an unexpected form:" << remote.e164;
            continue;
        }
        onTwilio.insert(*e164);
        if (releasing.contains(*e164)) {
            m_summary.unchanged.append(*e164);
            report(++done, int(m_fetched.size()), tr("Importing %1").arg(*e164));
            continue;
        }
        const auto it = known.constFind(*e164);
        if (it == known.constEnd()) {
            NewNumber input;
            input.e164 = *e164;
            input.environment = env;
            input.twilioSid = remote.sid;
            input.friendlyName = remote.friendlyName;
            input.boughtAt = remote.dateCreated;
            input.voiceUrl = remote.voiceUrl;
            input.statusCallbackUrl = remote.statusCallback;
            if (auto added = numbers.add(m_context.actor, input); !added)
                return added.error();
            m_summary.added.append(*e164);
        } else {
            const PoolNumber &local = it.value();
            const bool same = local.twilioSid == remote.sid && local.voiceUrl == remote.voiceUrl &&
                              !local.missingFromTwilio;
            // Friendly name and status callback are not on PoolNumber; Twilio's facts are written
            // whenever anything we can compare differs.
            if (same) {
                m_summary.unchanged.append(*e164);
            } else {
                if (auto updated = numbers.updateTwilioFacts(m_context.actor, *e164, env, remote.sid,
                                                             remote.friendlyName, remote.voiceUrl,
                                                             remote.statusCallback, false);
                    !updated)
                    return updated.error();
                (local.missingFromTwilio ? m_summary.returned : m_summary.updated).append(*e164);
            }
        }
        report(++done, int(m_fetched.size()), tr("Importing %1").arg(*e164));
    }
    for (const PoolNumber &local : std::as_const(known)) {
        if (onTwilio.contains(local.e164) || local.missingFromTwilio || releasing.contains(local.e164))
            continue;
        // Keep what PoolNumber does not carry (friendly name, status callback) as stored.
        QString friendlyName, statusCallback;
        if (auto stored =
                Sql::exec(db().connection(),
                          QStringLiteral("SELECT friendly_name, status_callback_url FROM phone_numbers "
                                         "WHERE id = ?"),
                          {local.id});
            stored && stored.value().next()) {
            friendlyName = stored.value().value(0).toString();
            statusCallback = stored.value().value(1).toString();
        }
        if (auto flagged = numbers.updateTwilioFacts(m_context.actor, local.e164, env, local.twilioSid,
                                                     friendlyName, local.voiceUrl, statusCallback, true);
            !flagged)
            return flagged.error();
        m_summary.missing.append(local.e164);
    }
    return success();
}

} // namespace PoolDesk::Twilio
