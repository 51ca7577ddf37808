#include "domain/Types.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace PoolDesk {

QString toString(Plan plan) {
    switch (plan) {
    case Plan::Standard:
        return QStringLiteral("standard");
    case Plan::Enterprise:
        return QStringLiteral("enterprise");
    case Plan::Hybrid:
        return QStringLiteral("hybrid");
    }
    return {};
}

QString toString(NumberStatus status) {
    switch (status) {
    case NumberStatus::Available:
        return QStringLiteral("available");
    case NumberStatus::Reserved:
        return QStringLiteral("reserved");
    case NumberStatus::InUse:
        return QStringLiteral("in_use");
    }
    return {};
}

QString toString(Direction direction) {
    return direction == Direction::Inbound ? QStringLiteral("inbound") : QStringLiteral("outbound");
}

std::optional<Plan> planFromString(const QString &text) {
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("standard"))
        return Plan::Standard;
    if (t == QLatin1String("enterprise"))
        return Plan::Enterprise;
    if (t == QLatin1String("hybrid"))
        return Plan::Hybrid;
    return std::nullopt;
}

std::optional<NumberStatus> numberStatusFromString(const QString &text) {
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("available"))
        return NumberStatus::Available;
    if (t == QLatin1String("reserved"))
        return NumberStatus::Reserved;
    if (t == QLatin1String("in_use") || t == QLatin1String("in-use"))
        return NumberStatus::InUse;
    return std::nullopt;
}

std::optional<Direction> directionFromString(const QString &text) {
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("outbound") || t.startsWith(QLatin1String("outbound-")))
        return Direction::Outbound;
    if (t == QLatin1String("inbound"))
        return Direction::Inbound;
    return std::nullopt;
}

QString displayName(Plan plan) {
    switch (plan) {
    case Plan::Standard:
        return QCoreApplication::translate("PoolDesk", "Standard");
    case Plan::Enterprise:
        return QCoreApplication::translate("PoolDesk", "Enterprise");
    case Plan::Hybrid:
        return QCoreApplication::translate("PoolDesk", "Hybrid");
    }
    return {};
}

QString displayName(NumberStatus status) {
    switch (status) {
    case NumberStatus::Available:
        return QCoreApplication::translate("PoolDesk", "Available");
    case NumberStatus::Reserved:
        return QCoreApplication::translate("PoolDesk", "Reserved");
    case NumberStatus::InUse:
        return QCoreApplication::translate("PoolDesk", "In use");
    }
    return {};
}

QString displayName(Direction direction) {
    return direction == Direction::Inbound ? QCoreApplication::translate("PoolDesk", "Inbound")
                                           : QCoreApplication::translate("PoolDesk", "Outbound");
}

bool isValidEnvironmentName(const QString &name) {
    static const QRegularExpression pattern(QStringLiteral("^[a-z][a-z0-9_-]{0,31}$"));
    return pattern.match(name).hasMatch();
}

} // namespace PoolDesk
