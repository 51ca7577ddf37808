#include "pool/CallerPolicy.h"

#include "storage/Settings.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QTimeZone>

#include <algorithm>

namespace PoolDesk {

namespace {

struct IntKey {
    const char *key;
    int CallerPolicy::*member;
    int max;
};

constexpr IntKey intKeys[] = {
    {"sticky_days", &CallerPolicy::stickyDays, 3650},
    {"daily_cap", &CallerPolicy::dailyCap, 100000},
    {"hourly_cap", &CallerPolicy::hourlyCap, 10000},
    {"min_gap_seconds", &CallerPolicy::minGapSeconds, 86400},
    {"warmup_days", &CallerPolicy::warmupDays, 365},
    {"rest_days", &CallerPolicy::restDays, 365},
    {"tenant_cooldown_days", &CallerPolicy::tenantCooldownDays, 365},
};

const QString LocalPresence = QStringLiteral("local_presence");
const QString CallingHours = QStringLiteral("calling_hours");

QString settingKey(const QString &key) {
    return QStringLiteral("policy.") + key;
}

const IntKey *intKey(const QString &key) {
    for (const IntKey &entry : intKeys) {
        if (key == QLatin1String(entry.key))
            return &entry;
    }
    return nullptr;
}

// "08:00-21:00"; nullopt for "off" and anything unreadable.
std::optional<std::pair<QTime, QTime>> parseHours(const QString &text) {
    const QStringList parts = text.trimmed().split(QLatin1Char('-'));
    if (parts.size() != 2)
        return std::nullopt;
    const QTime from = QTime::fromString(parts.at(0).trimmed(), QStringLiteral("HH:mm"));
    const QTime to = QTime::fromString(parts.at(1).trimmed(), QStringLiteral("HH:mm"));
    if (!from.isValid() || !to.isValid() || from >= to)
        return std::nullopt;
    return std::make_pair(from, to);
}

} // namespace

const QStringList &CallerPolicy::keys() {
    static const QStringList all = [] {
        QStringList list{QStringLiteral("sticky_days"), LocalPresence, CallingHours};
        for (const IntKey &entry : intKeys) {
            if (!list.contains(QLatin1String(entry.key)))
                list.append(QLatin1String(entry.key));
        }
        return list;
    }();
    return all;
}

CallerPolicy CallerPolicy::load(Database &db) {
    CallerPolicy policy;
    for (const IntKey &entry : intKeys) {
        const qint64 stored =
            Settings::intValue(db, settingKey(QLatin1String(entry.key)), policy.*entry.member);
        policy.*entry.member = int(std::clamp<qint64>(stored, 0, entry.max));
    }
    policy.localPresence =
        Settings::value(db, settingKey(LocalPresence), QStringLiteral("on")) != QLatin1String("off");
    policy.callingHours = parseHours(Settings::value(db, settingKey(CallingHours)));
    return policy;
}

QString CallerPolicy::text(const QString &key) const {
    if (const IntKey *entry = intKey(key))
        return QString::number(this->*entry->member);
    if (key == LocalPresence)
        return localPresence ? QStringLiteral("on") : QStringLiteral("off");
    if (key == CallingHours)
        return callingHours ? callingHours->first.toString(QStringLiteral("HH:mm")) + QLatin1Char('-') +
                                  callingHours->second.toString(QStringLiteral("HH:mm"))
                            : QStringLiteral("off");
    return {};
}

Status CallerPolicy::set(Database &db, const Actor &actor, const QString &key, const QString &value) {
    const QString trimmed = value.trimmed();
    QString stored;
    if (const IntKey *entry = intKey(key)) {
        bool ok = false;
        const int number = trimmed.toInt(&ok);
        if (!ok || number < 0 || number > entry->max)
            return makeError(
                Error::Code::InvalidInput,
                QCoreApplication::translate("CallerPolicy", "%1 takes a whole number from 0 to %2.")
                    .arg(key)
                    .arg(entry->max));
        stored = QString::number(number);
    } else if (key == LocalPresence) {
        if (trimmed != QLatin1String("on") && trimmed != QLatin1String("off"))
            return makeError(Error::Code::InvalidInput,
                             QCoreApplication::translate("CallerPolicy", "local_presence is on or off."));
        stored = trimmed;
    } else if (key == CallingHours) {
        if (trimmed != QLatin1String("off") && !parseHours(trimmed))
            return makeError(Error::Code::InvalidInput,
                             QCoreApplication::translate(
                                 "CallerPolicy",
                                 "calling_hours is off, or the callee's local hours as HH:MM-HH:MM with the "
                                 "start before the end (for example 08:00-21:00)."));
        stored = trimmed == QLatin1String("off") ? trimmed : trimmed.simplified().remove(QLatin1Char(' '));
    } else {
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate("CallerPolicy", "There is no policy key \"%1\". The keys are: %2.")
                .arg(key, keys().join(QStringLiteral(", "))));
    }
    return Settings::set(db, actor, settingKey(key), stored);
}

std::optional<CallerPolicy::OutsideHours> CallerPolicy::outsideCallingHours(const QStringList &zones,
                                                                            qint64 nowSecs) const {
    if (!callingHours)
        return std::nullopt;
    const QDateTime now = QDateTime::fromSecsSinceEpoch(nowSecs, QTimeZone::utc());
    for (const QString &id : zones) {
        const QTimeZone zone(id.toLatin1());
        if (!zone.isValid())
            continue;
        const QTime local = now.toTimeZone(zone).time();
        if (local < callingHours->first || local >= callingHours->second)
            return OutsideHours{id, local};
    }
    return std::nullopt;
}

} // namespace PoolDesk
