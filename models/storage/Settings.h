#pragma once

#include "domain/BillingZone.h"
#include "domain/Result.h"
#include "storage/AuditLog.h"

#include <QString>

namespace PoolDesk {

class Database;

// Pool-wide settings stored in the database so every console, CLI and service agrees. Secrets
// never go here (they live in the OS keychain).
namespace SettingKeys {
inline const QString PerNumberConcurrency = QStringLiteral("pool.per_number_concurrency");
inline const QString DefaultLeaseSeconds = QStringLiteral("pool.default_lease_seconds");
inline const QString MinAvailableThreshold = QStringLiteral("pool.min_available_threshold");
inline const QString BuyWhenExhausted = QStringLiteral("pool.buy_when_exhausted");
inline const QString MaxPoolSize = QStringLiteral("pool.max_pool_size");
inline const QString IdleReleaseDays = QStringLiteral("pool.idle_release_days");
inline const QString MonthlyBudgetCapMicros = QStringLiteral("pool.monthly_budget_cap_micros");
inline const QString Country = QStringLiteral("pool.country");
// Where consoles without Twilio credentials (a client company's manager) get call recordings:
// the pool service's address as they reach it, e.g. https://pool.example.com:8080.
inline const QString ServiceUrl = QStringLiteral("service.url");
// The IANA zone months and days are counted in (see BillingZone); written by migration 019.
inline const QString BillingTimeZone = QStringLiteral("billing.time_zone");
} // namespace SettingKeys

namespace Settings {
QString value(Database &db, const QString &key, const QString &fallback = {});
qint64 intValue(Database &db, const QString &key, qint64 fallback);
// The workspace's billing zone: the stored one, or UTC when it names a zone this machine lacks
// (the console says so in Settings).
BillingZone billingZone(Database &db);
// Writes the value and its audit entry in one transaction (or the caller's, when inTransaction).
Status set(Database &db, const Actor &actor, const QString &key, const QString &value,
           bool inTransaction = false);
} // namespace Settings

} // namespace PoolDesk
