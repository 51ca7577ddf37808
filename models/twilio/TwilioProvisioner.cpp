#include "twilio/TwilioProvisioner.h"

#include "domain/Clock.h"
#include "twilio/AutoScaler.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcProvisioner, "pooldesk.twilio.provisioner", QtInfoMsg)

namespace PoolDesk::Twilio {

TwilioProvisioner::TwilioProvisioner(ContextProvider provider, QObject *parent)
    : QObject(parent)
    , m_provider(std::move(provider)) {}

bool TwilioProvisioner::requestPurchase(const QString &environment, const QString &reason) {
    if (m_running.contains(environment))
        return true;
    auto context = m_provider(environment);
    if (!context || !context->db || !context->client) {
        qCWarning(lcProvisioner) << "no Twilio client for" << environment << "- cannot buy";
        return false;
    }
    const ScalingPolicy policy = ScalingPolicy::load(*context->db);
    // One number, in the area code that most calls went to without a local number when Twilio has
    // one there; local presence beyond that waits for the auto-scaler's own plan.
    auto plan = AutoScaler::purchases(*context->db, environment, policy, Clock::nowUtc(), 1, false);
    if (!plan || plan->toBuy < 1) {
        qCInfo(lcProvisioner) << "purchase for" << environment
                              << "not allowed:" << (plan ? plan->limits : QStringList{plan.error().message});
        return false;
    }
    context->actor = Actor::policy(QStringLiteral("buy_when_exhausted"));
    auto op = new AutoScaleOperation(*context, plan.value(), policy, this);
    op->setTrigger(QStringLiteral("buy when exhausted: ") + reason);
    m_running.insert(environment, op);
    connect(op, &Operation::finished, this, [this, op, environment](bool ok) {
        m_running.remove(environment);
        const QString what = ok ? op->bought().value(0) : op->error()->message;
        qCInfo(lcProvisioner) << "purchase for" << environment << (ok ? "done:" : "failed:") << what;
        emit purchaseFinished(environment, ok, what);
        op->deleteLater();
    });
    op->start();
    return true;
}

} // namespace PoolDesk::Twilio
