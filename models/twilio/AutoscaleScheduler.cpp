#include "twilio/AutoscaleScheduler.h"

#include "domain/Clock.h"
#include "twilio/NumberOperations.h"

#include <QCoreApplication>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcAutoscale, "pooldesk.twilio.autoscale", QtInfoMsg)

namespace PoolDesk::Twilio {

AutoscaleScheduler::AutoscaleScheduler(TwilioProvisioner::ContextProvider provider, Options options,
                                       const TwilioProvisioner *provisioner, QObject *parent)
    : QObject(parent)
    , m_provider(std::move(provider))
    , m_options(std::move(options))
    , m_provisioner(provisioner) {
    m_timer.setInterval(m_options.interval);
    connect(&m_timer, &QTimer::timeout, this, &AutoscaleScheduler::runOnce);
}

AutoscaleScheduler::~AutoscaleScheduler() {
    stop();
}

void AutoscaleScheduler::start() {
    m_timer.start();
    if (m_options.runAtStart)
        QTimer::singleShot(0, this, &AutoscaleScheduler::runOnce);
}

void AutoscaleScheduler::stop() {
    m_timer.stop();
    const auto running = m_running;
    for (const QPointer<Operation> &op : running)
        if (op)
            op->cancel();
}

void AutoscaleScheduler::runOnce() {
    for (const QString &environment : std::as_const(m_options.environments))
        runEnvironment(environment);
}

void AutoscaleScheduler::runEnvironment(const QString &environment) {
    if (m_running.contains(environment))
        return; // the previous pass is still under way
    if (m_provisioner && m_provisioner->isPurchasing(environment)) {
        qCInfo(lcAutoscale) << environment << ": a purchase for an exhausted pool is under way; next time";
        return;
    }
    AutoscalePass pass;
    pass.environment = environment;
    auto context = m_provider(environment);
    if (context && !context->db) {
        pass.ok = false;
        pass.error = QCoreApplication::translate(
            "AutoScaler", "The pool database cannot be reached; auto-scaling tries again at the next check.");
        return done(pass);
    }
    if (!context || !context->client) {
        pass.ok = false;
        pass.error =
            QCoreApplication::translate("AutoScaler", "The %1 environment has no usable Twilio credentials: "
                                                      "set them with `pooldeskctl env set-secret %1`.")
                .arg(environment);
        return done(pass);
    }
    context->actor = Actor::policy(QStringLiteral("autoscale"));
    // First settle releases that were interrupted, so the plan counts the numbers as they are.
    auto recover = new RecoverReleasesOperation(*context, this);
    m_running.insert(environment, recover);
    connect(recover, &Operation::finished, this,
            [this, recover, environment, context = *context, pass](bool ok) mutable {
                recover->deleteLater();
                pass.settledReleases = recover->completed() + recover->undone();
                if (!ok) {
                    if (recover->isCancelled()) {
                        m_running.remove(environment);
                        return;
                    }
                    // Not fatal: the marks stay until Twilio can be asked; planning goes on.
                    qCWarning(lcAutoscale)
                        << environment << ": interrupted releases not settled:" << recover->error()->message;
                }
                plan(environment, context, pass);
            });
    recover->start();
}

void AutoscaleScheduler::plan(const QString &environment, OperationContext context, AutoscalePass pass) {
    const ScalingPolicy policy = ScalingPolicy::load(*context.db);
    auto planned = AutoScaler::plan(*context.db, environment, policy, Clock::nowUtc());
    if (!planned) {
        pass.ok = false;
        pass.error = planned.error().message;
        return done(pass);
    }
    pass.toBuy = planned->toBuy;
    pass.limits = planned->limits;
    bool releaseDue = false;
    for (const IdleNumber &n : planned->idle)
        releaseDue = releaseDue || n.due;
    if (planned->toBuy == 0 && !releaseDue)
        return done(pass);
    auto op = new AutoScaleOperation(context, planned.value(), policy, this);
    // Computed apart: lupdate 6.4 never finishes parsing a division inside the translate() call.
    const int intervalMinutes =
        int(std::chrono::duration_cast<std::chrono::minutes>(m_options.interval).count());
    op->setTrigger(
        QCoreApplication::translate("AutoScaler",
                                    "autoscale: %1 free shared numbers, threshold %2 (pool service "
                                    "check every %n minute(s))",
                                    nullptr, intervalMinutes)
            .arg(planned->availableShared)
            .arg(policy.minAvailable));
    m_running.insert(environment, op);
    connect(op, &Operation::finished, this, [this, op, pass](bool ok) mutable {
        op->deleteLater();
        pass.bought = op->bought();
        pass.released = op->released();
        pass.proposed = op->proposed();
        if (!ok) {
            pass.ok = false;
            pass.error = op->error()->message;
        }
        done(pass);
    });
    op->start();
}

void AutoscaleScheduler::done(AutoscalePass pass) {
    m_running.remove(pass.environment);
    if (!pass.ok)
        qCWarning(lcAutoscale) << pass.environment << ": autoscale pass failed:" << pass.error;
    else if (!pass.bought.isEmpty() || !pass.released.isEmpty() || !pass.proposed.isEmpty() ||
             pass.settledReleases)
        qCInfo(lcAutoscale) << pass.environment << ": bought" << pass.bought << "released" << pass.released
                            << "proposed" << pass.proposed << "settled" << pass.settledReleases;
    emit passFinished(pass);
}

} // namespace PoolDesk::Twilio
