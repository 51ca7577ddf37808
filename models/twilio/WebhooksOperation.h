#pragma once

#include "twilio/Operation.h"
#include "twilio/TwilioTypes.h"

#include <QList>

namespace PoolDesk::Twilio {

struct WebhookChange {
    QString e164;
    QString sid;
    QString currentVoiceUrl;
    QString desiredVoiceUrl;
    QString currentStatusCallback;
    QString desiredStatusCallback;
    // The environment whose webhook base URL the number points at now, when it is another one
    // (a production number aimed at the development URL): drift.
    QString driftFrom;
    bool needsUpdate() const {
        return currentVoiceUrl != desiredVoiceUrl || currentStatusCallback != desiredStatusCallback;
    }
};

// Points every number of the environment at its webhook base URL (the seed's step 3). With dryRun
// it only computes the diff. Numbers aimed at another environment's URL are flagged (drift).
class WebhooksOperation final : public Operation {
    Q_OBJECT
public:
    // otherEnvironments: every other environment's profile, for the drift check.
    WebhooksOperation(OperationContext context, bool dryRun, QList<EnvironmentProfile> otherEnvironments,
                      QObject *parent = nullptr)
        : Operation(std::move(context), parent)
        , m_dryRun(dryRun)
        , m_others(std::move(otherEnvironments)) {}

    const QList<WebhookChange> &changes() const { return m_changes; }
    int updated() const { return m_updated; }
    bool dryRun() const { return m_dryRun; }

protected:
    void run() override;

private:
    void plan(const QList<IncomingNumber> &numbers);
    void updateNext();

    bool m_dryRun = false;
    QList<EnvironmentProfile> m_others;
    QList<IncomingNumber> m_numbers;
    QList<WebhookChange> m_changes;
    int m_next = 0;
    int m_pending = 0;
    int m_updated = 0;
    std::optional<Error> m_firstError;
};

} // namespace PoolDesk::Twilio
