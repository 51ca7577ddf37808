#pragma once

#include "domain/Money.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace PoolDesk {

// Standard companies call from the shared pool, enterprise companies from their own dedicated
// numbers only (their caller ID is their brand), hybrid companies from their dedicated numbers
// first and the shared pool when those are busy.
enum class Plan { Standard, Enterprise, Hybrid };
enum class NumberStatus { Available, Reserved, InUse };
enum class Direction { Outbound, Inbound };

QString toString(Plan plan);
QString toString(NumberStatus status);
QString toString(Direction direction);
std::optional<Plan> planFromString(const QString &text);
std::optional<NumberStatus> numberStatusFromString(const QString &text);
std::optional<Direction> directionFromString(const QString &text);
QString displayName(Plan plan);           // translated
QString displayName(NumberStatus status); // translated
QString displayName(Direction direction); // translated

// Environments are free-form names; these two always exist.
inline const QString DevelopmentEnvironment = QStringLiteral("development");
inline const QString ProductionEnvironment = QStringLiteral("production");
bool isValidEnvironmentName(const QString &name);

struct CompanyLimits {
    std::optional<int> maxConcurrentCalls;
    std::optional<qint64> monthlyMinutes;
    std::optional<Micros> monthlyBudget;
    // Allocations per second, and how many may arrive at once (the rate when empty).
    std::optional<int> allocationsPerSecond = {};
    std::optional<int> allocationBurst = {};
};

struct Company {
    qint64 id = 0;
    QString name;
    Plan plan = Plan::Standard;
    CompanyLimits limits;
    QDateTime createdAt;
};

struct Holder {
    qint64 companyId = 0;
    QString companyName;
    QString operatorId;
    QString session;
    QDateTime since;
    QDateTime leaseExpiresAt;
};

struct PoolNumber {
    qint64 id = 0;
    QString e164;
    QString environment;
    QString twilioSid;
    std::optional<qint64> dedicatedCompanyId;
    QString dedicatedCompanyName;
    NumberStatus status = NumberStatus::Available;
    int activeCalls = 0;
    qint64 totalCalls = 0;
    qint64 totalMinutes = 0;
    QDateTime lastUsedAt;
    QDateTime boughtAt;
    Micros monthlyPrice = 0;
    bool missingFromTwilio = false;
    bool releasing = false; // being released to Twilio: not handed out meanwhile
    QString voiceUrl;
};

struct CallRecord {
    qint64 id = 0;
    QString session;
    QString callSid;
    qint64 numberId = 0;
    QString e164;
    qint64 companyId = 0;
    QString companyName;
    QString operatorId;
    Direction direction = Direction::Outbound;
    QDateTime startedAt;
    QDateTime endedAt;
    qint64 durationSeconds = 0;
    qint64 billedMinutes = 0;
    Micros estimatedCost = 0;
    std::optional<Micros> twilioPrice;
    QString environment;
};

// Twilio ends every call within 24 hours (the most its TimeLimit allows); a week leaves room. A
// duration Twilio reports beyond it is taken for none.
inline constexpr qint64 MaxCallSeconds = 7 * 86400;

// Twilio bills each call leg per started minute.
inline qint64 billedMinutesFor(qint64 durationSeconds) {
    return durationSeconds <= 0 ? 0 : (durationSeconds + 59) / 60;
}

} // namespace PoolDesk
