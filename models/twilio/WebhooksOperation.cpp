#include "twilio/WebhooksOperation.h"

#include "pool/Numbers.h"
#include "twilio/ReleaseMarks.h"
#include "twilio/TwilioApi.h"
#include "twilio/TwilioClient.h"

namespace PoolDesk::Twilio {

void WebhooksOperation::run() {
    if (m_context.profile.webhookBaseUrl.isEmpty())
        return finish(
            makeError(Error::Code::InvalidInput,
                      tr("Environment \"%1\" has no webhook base URL. Set it with `pooldeskctl env set %1 "
                         "--webhook-base-url https://...`.")
                          .arg(m_context.profile.name)));
    report(0, 0, tr("Fetching the numbers of the %1 account…").arg(m_context.profile.name));
    Api::listIncomingNumbers(
        client(), this,
        [this](const QList<IncomingNumber> &page) {
            m_numbers.append(page);
            return !isCancelled();
        },
        [this](Status fetched) {
            if (stopIfCancelled())
                return;
            if (!fetched)
                return finish(fetched);
            plan(m_numbers);
        });
}

void WebhooksOperation::plan(const QList<IncomingNumber> &numbers) {
    const QString voice = m_context.profile.voiceUrl().toString();
    const QString status = m_context.profile.statusCallbackUrl().toString();
    for (const IncomingNumber &n : numbers) {
        WebhookChange change{n.e164, n.sid, n.voiceUrl, voice, n.statusCallback, status, {}};
        for (const EnvironmentProfile &other : std::as_const(m_others)) {
            const QString base = other.webhookBaseUrl.toString();
            if (other.name != m_context.profile.name && !base.isEmpty() &&
                (n.voiceUrl.startsWith(base) || n.statusCallback.startsWith(base)))
                change.driftFrom = other.name;
        }
        m_changes.append(change);
    }
    if (m_dryRun)
        return finish(success());
    updateNext();
}

void WebhooksOperation::updateNext() {
    // Keeps the client's queue fed; the client caps what is really in flight.
    while (m_next < m_changes.size() && m_pending < 8 && !isCancelled()) {
        const WebhookChange change = m_changes.at(m_next++);
        if (!change.needsUpdate())
            continue;
        ++m_pending;
        Api::updateWebhooks(client(), change.sid, QUrl(change.desiredVoiceUrl),
                            QUrl(change.desiredStatusCallback), this,
                            [this, change](Result<IncomingNumber> updated) {
                                --m_pending;
                                if (!updated) {
                                    if (!m_firstError)
                                        m_firstError = updated.error();
                                } else {
                                    ++m_updated;
                                    Numbers numbers(db());
                                    auto local = numbers.find(change.e164, m_context.profile.name);
                                    // A number being released keeps its mark (ReleaseMarks).
                                    auto releasing = local ? ReleaseMarks::find(db(), local->id)
                                                           : Result<std::optional<ReleaseMarks::Mark>>(
                                                                 std::optional<ReleaseMarks::Mark>());
                                    if (local && releasing && !releasing.value()) {
                                        const IncomingNumber &n = updated.value();
                                        if (auto stored = numbers.updateTwilioFacts(
                                                m_context.actor, change.e164, m_context.profile.name, n.sid,
                                                n.friendlyName, n.voiceUrl, n.statusCallback, false);
                                            !stored && !m_firstError)
                                            m_firstError = stored.error();
                                    }
                                }
                                report(m_updated, int(m_changes.size()), tr("Updated %1").arg(change.e164));
                                updateNext();
                            });
    }
    if (m_pending > 0)
        return;
    if (stopIfCancelled())
        return;
    if (m_firstError)
        return finish(*m_firstError);
    finish(success());
}

} // namespace PoolDesk::Twilio
