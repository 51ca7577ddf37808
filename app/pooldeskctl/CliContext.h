#pragma once

#include "domain/BillingZone.h"
#include "domain/Result.h"
#include "security/Identity.h"
#include "storage/Database.h"

#include <QJsonObject>
#include <QStringList>
#include <QTextStream>

#include <memory>

namespace PoolDesk {

// Exit codes are part of pooldeskctl's stable interface.
namespace ExitCode {
inline constexpr int Success = 0;
inline constexpr int Failure = 1;
inline constexpr int Usage = 2;
inline constexpr int Refused = 3;
} // namespace ExitCode

// What every pooldeskctl command gets: the global options, the output streams and the database
// (opened and migrated on first use).
class CliContext final {
public:
    CliContext(QString databaseUrl, QString environment, bool json);

    const QString &databaseUrl() const { return m_databaseUrl; }
    const QString &environment() const { return m_environment; }
    bool json() const { return m_json; }
    QTextStream &out() { return m_out; }
    QTextStream &err() { return m_err; }
    // Standard input, for secrets and confirmations (never read a secret from an argument).
    QTextStream &in() { return m_in; }

    Result<Database *> database();
    // The workspace's billing zone, which months, days and printed times follow (UTC when the
    // database cannot be opened; database() reports why).
    BillingZone zone();
    // Who this login is in the workspace (Identity::whoAmI), asked once.
    Result<Principal> principal();

    // Reports an error and returns its exit code: 3 for refusals, 2 for invalid input, 1 otherwise.
    // With --json the error also goes to stdout as {"error": {...}}.
    int fail(const Error &error);
    int usage(const QString &message);
    // Prints a JSON document (for --json) followed by a newline.
    void printJson(const QJsonObject &object);
    void printJson(const QJsonArray &array);
    // Asks "question [y/N]" on stderr and reads an answer from stdin; false when stdin is closed.
    bool confirm(const QString &question);

private:
    QString m_databaseUrl;
    QString m_environment;
    bool m_json = false;
    QTextStream m_out;
    QTextStream m_err;
    QTextStream m_in;
    std::unique_ptr<Database> m_db;
    std::optional<Principal> m_principal;
};

// A command group: "company", "number", "twilio", ... args are what follows the group's name.
using CommandHandler = int (*)(CliContext &context, const QStringList &args);

} // namespace PoolDesk
