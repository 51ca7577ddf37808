#pragma once

// Shared by the env and twilio command groups: loading an environment, resolving its credentials
// (environment variables, else the OS keychain) and running an asynchronous Twilio operation to
// its end. The waits here are bounded event loops at the entry point; library code never blocks.

#include "CliContext.h"

#include "credentials/EnvironmentProfile.h"
#include "credentials/TwilioCredentials.h"
#include "twilio/Operation.h"
#include "twilio/TwilioClient.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QTimer>

#include <functional>
#include <optional>

#include <memory>

namespace PoolDesk::EnvCli {

// Everything a Twilio command needs: database, profile, credentials, client.
struct Session {
    Database *db = nullptr;
    EnvironmentProfile profile;
    std::unique_ptr<QNetworkAccessManager> network;
    std::unique_ptr<Twilio::Client> client;
    Twilio::OperationContext context() const { return {db, client.get(), profile, Actor::currentUser()}; }
};
// The environment's profile as the overrides see it (TWILIO_ACCOUNT_SID, POOLDESK_TWILIO_BASE_URL)
// and a client holding its credentials.
Result<Session> openSession(CliContext &context, const QString &environment);

Result<EnvironmentProfile> loadProfile(CliContext &context, const QString &name);
// The keychain gets POOLDESK_KEYCHAIN_TIMEOUT_MS (default 20 s) to answer; never longer.
Result<TwilioCredentials> resolveCredentials(const EnvironmentProfile &profile);
// Runs the operation to its end, showing progress on stderr unless --json. Returns its status.
Status run(CliContext &context, Twilio::Operation &operation);
int keychainTimeoutMs();

// Waits for one callback, bounded: the library calls back within `timeoutMs` or we give up.
template <typename T>
Result<T> waitFor(int timeoutMs, const std::function<void(QObject *, std::function<void(Result<T>)>)> &start,
                  const Error &onTimeout) {
    QEventLoop loop;
    QObject context;
    std::optional<Result<T>> result;
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    start(&context, [&](Result<T> r) {
        result.emplace(std::move(r));
        loop.quit();
    });
    if (!result) {
        deadline.start(timeoutMs);
        loop.exec();
    }
    if (!result)
        return onTimeout;
    return *result;
}

} // namespace PoolDesk::EnvCli
