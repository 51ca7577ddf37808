#pragma once

#include "twilio/AutoScaler.h"
#include "twilio/TwilioProvisioner.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>

namespace PoolDesk::Twilio {

// What one pass of the scheduler did in one environment.
struct AutoscalePass {
    QString environment;
    bool ok = true;
    QString error;      // translated; empty when ok
    QStringList bought; // E.164 numbers
    QStringList released;
    QStringList proposed;
    int settledReleases = 0; // interrupted releases finished or undone (RecoverReleasesOperation)
    int toBuy = 0;           // what the plan wanted
    QStringList limits;      // why fewer were bought (max pool size, budget cap)
};

// Runs the auto-scaling policy on a timer inside a long-running process (the pool service): every
// interval, for each environment, it settles interrupted releases, then plans (AutoScaler::plan with
// the policy in the settings: buy under the threshold up to the maximum pool size and the monthly
// budget cap, in the callee area codes that calls went to without a local number first, and their
// shortfall when twilio.autoscale.local_presence_buy is on; release, or only propose, numbers idle
// N days shortly before their billing day) and
// carries the plan out (AutoScaleOperation). Every purchase and release is audited with actor
// policy:autoscale and a trigger saying the pool service's check did it. One pass per environment
// at a time; an environment with a "buy when exhausted" purchase under way waits for the next tick.
//
//   AutoscaleScheduler scheduler(provider, {std::chrono::minutes(5), {"production"}}, &provisioner);
//   scheduler.start();
class AutoscaleScheduler final : public QObject {
    Q_OBJECT
public:
    struct Options {
        std::chrono::milliseconds interval = std::chrono::minutes(5);
        QStringList environments = {QStringLiteral("production")};
        bool runAtStart = true; // a first pass right after start(), not one interval later
    };

    AutoscaleScheduler(TwilioProvisioner::ContextProvider provider, Options options,
                       const TwilioProvisioner *provisioner = nullptr, QObject *parent = nullptr);
    ~AutoscaleScheduler() override;

    void start();
    void stop(); // passes under way are cancelled; what they committed stays
    bool isActive() const { return m_timer.isActive(); }
    const Options &options() const { return m_options; }
    bool isBusy(const QString &environment) const { return m_running.contains(environment); }

public slots:
    // One pass now over every environment (what the timer runs).
    void runOnce();

signals:
    void passFinished(const PoolDesk::Twilio::AutoscalePass &pass);

private:
    void runEnvironment(const QString &environment);
    void plan(const QString &environment, OperationContext context, AutoscalePass pass);
    void done(AutoscalePass pass);

    TwilioProvisioner::ContextProvider m_provider;
    Options m_options;
    const TwilioProvisioner *m_provisioner = nullptr;
    QTimer m_timer;
    QHash<QString, QPointer<Operation>> m_running; // the operation of each environment's pass
};

} // namespace PoolDesk::Twilio

Q_DECLARE_METATYPE(PoolDesk::Twilio::AutoscalePass)
