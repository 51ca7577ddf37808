#include "settings/CallerIdSection.h"

#include "Workspace.h"
#include "common/Retranslate.h"
#include "pool/CallerPolicy.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QSpinBox>
#include <QTimeEdit>

namespace PoolDesk::Ui {

namespace {

QSpinBox *spinBox(QWidget *parent, const QString &name, int max) {
    auto *box = new QSpinBox(parent);
    box->setObjectName(name);
    box->setRange(0, max);
    return box;
}

} // namespace

CallerIdSection::CallerIdSection(Workspace &workspace, QWidget *parent)
    : QGroupBox(parent)
    , m_workspace(workspace) {
    setObjectName(QStringLiteral("callerIdSettingsGroupBox"));
    retranslate(this, [this] { setTitle(tr("Caller ID")); });
    auto *form = new QFormLayout(this);
    m_sticky = spinBox(this, QStringLiteral("stickyDaysSpinBox"), 3650);
    m_local = new QCheckBox(this);
    m_local->setObjectName(QStringLiteral("localPresenceCheckBox"));
    m_hoursOn = new QCheckBox(this);
    m_hoursOn->setObjectName(QStringLiteral("callingHoursCheckBox"));
    m_hoursFrom = new QTimeEdit(this);
    m_hoursFrom->setObjectName(QStringLiteral("callingHoursFromEdit"));
    m_hoursTo = new QTimeEdit(this);
    m_hoursTo->setObjectName(QStringLiteral("callingHoursToEdit"));
    for (QTimeEdit *edit : {m_hoursFrom, m_hoursTo})
        edit->setDisplayFormat(QStringLiteral("HH:mm"));
    auto *hours = new QHBoxLayout;
    hours->addWidget(m_hoursOn);
    hours->addWidget(m_hoursFrom);
    hours->addWidget(m_hoursTo);
    hours->addStretch(1);
    m_dailyCap = spinBox(this, QStringLiteral("dailyCapSpinBox"), 100000);
    m_hourlyCap = spinBox(this, QStringLiteral("hourlyCapSpinBox"), 10000);
    m_gap = spinBox(this, QStringLiteral("minGapSpinBox"), 86400);
    m_warmup = spinBox(this, QStringLiteral("warmupDaysSpinBox"), 365);
    m_rest = spinBox(this, QStringLiteral("restDaysSpinBox"), 365);
    m_rest->setMinimum(1);
    m_cooldown = spinBox(this, QStringLiteral("cooldownDaysSpinBox"), 365);
    retranslate(this, [this] {
        m_sticky->setSpecialValueText(tr("Off"));
        m_sticky->setSuffix(tr(" days"));
        m_sticky->setToolTip(
            tr("A person called again gets the number they saw last time, within these days"));
        m_local->setText(tr("Prefer numbers in the callee's area code, then their state or region"));
        m_hoursOn->setText(tr("Call only between"));
        m_hoursOn->setToolTip(tr("In the callee's local time; where their state spans two zones, in both"));
        for (QSpinBox *cap : {m_dailyCap, m_hourlyCap})
            cap->setSpecialValueText(tr("No cap"));
        m_gap->setSpecialValueText(tr("None"));
        m_gap->setSuffix(tr(" s"));
        m_warmup->setSpecialValueText(tr("None"));
        m_warmup->setSuffix(tr(" days"));
        m_rest->setSuffix(tr(" days"));
        m_cooldown->setSpecialValueText(tr("Off"));
        m_cooldown->setSuffix(tr(" days"));
    });
    addFormRow(
        form, this, [] { return tr("&Same number for a callee:"); }, m_sticky);
    form->addRow(QString(), m_local);
    form->addRow(QString(), [&] {
        auto *row = new QWidget(this);
        row->setLayout(hours);
        hours->setContentsMargins(0, 0, 0, 0);
        return row;
    }());
    addFormRow(
        form, this, [] { return tr("Calls per number per &day:"); }, m_dailyCap);
    addFormRow(
        form, this, [] { return tr("Calls per number per &hour:"); }, m_hourlyCap);
    addFormRow(
        form, this, [] { return tr("Least &gap between two calls:"); }, m_gap);
    addFormRow(
        form, this, [] { return tr("&Warm-up of a new number:"); }, m_warmup);
    addFormRow(
        form, this, [] { return tr("&Rest a poorly answered number for:"); }, m_rest);
    addFormRow(
        form, this, [] { return tr("Keep a shared number with its last &company for:"); }, m_cooldown);

    for (QSpinBox *box : {m_sticky, m_dailyCap, m_hourlyCap, m_gap, m_warmup, m_rest, m_cooldown})
        connect(box, &QSpinBox::valueChanged, this, &CallerIdSection::edited);
    for (QCheckBox *box : {m_local, m_hoursOn})
        connect(box, &QCheckBox::toggled, this, &CallerIdSection::edited);
    for (QTimeEdit *edit : {m_hoursFrom, m_hoursTo})
        connect(edit, &QTimeEdit::timeChanged, this, &CallerIdSection::edited);
    connect(m_hoursOn, &QCheckBox::toggled, this, &CallerIdSection::updateHours);
}

void CallerIdSection::updateHours() {
    m_hoursFrom->setEnabled(m_hoursOn->isChecked());
    m_hoursTo->setEnabled(m_hoursOn->isChecked());
}

void CallerIdSection::load() {
    const CallerPolicy policy = CallerPolicy::load(m_workspace.database());
    m_stored.clear();
    for (const QString &key : CallerPolicy::keys())
        m_stored.insert(key, policy.text(key));
    const QSignalBlocker blockers[] = {
        QSignalBlocker(m_sticky),    QSignalBlocker(m_local),   QSignalBlocker(m_hoursOn),
        QSignalBlocker(m_hoursFrom), QSignalBlocker(m_hoursTo), QSignalBlocker(m_dailyCap),
        QSignalBlocker(m_hourlyCap), QSignalBlocker(m_gap),     QSignalBlocker(m_warmup),
        QSignalBlocker(m_rest),      QSignalBlocker(m_cooldown)};
    m_sticky->setValue(policy.stickyDays);
    m_local->setChecked(policy.localPresence);
    m_hoursOn->setChecked(policy.callingHours.has_value());
    m_hoursFrom->setTime(policy.callingHours ? policy.callingHours->first : QTime(8, 0));
    m_hoursTo->setTime(policy.callingHours ? policy.callingHours->second : QTime(21, 0));
    m_dailyCap->setValue(policy.dailyCap);
    m_hourlyCap->setValue(policy.hourlyCap);
    m_gap->setValue(policy.minGapSeconds);
    m_warmup->setValue(policy.warmupDays);
    m_rest->setValue(policy.restDays);
    m_cooldown->setValue(policy.tenantCooldownDays);
    updateHours();
}

Result<int> CallerIdSection::save() {
    const QList<QPair<QString, QString>> values{
        {QStringLiteral("sticky_days"), QString::number(m_sticky->value())},
        {QStringLiteral("local_presence"),
         m_local->isChecked() ? QStringLiteral("on") : QStringLiteral("off")},
        {QStringLiteral("calling_hours"),
         m_hoursOn->isChecked() ? m_hoursFrom->time().toString(QStringLiteral("HH:mm")) + QLatin1Char('-') +
                                      m_hoursTo->time().toString(QStringLiteral("HH:mm"))
                                : QStringLiteral("off")},
        {QStringLiteral("daily_cap"), QString::number(m_dailyCap->value())},
        {QStringLiteral("hourly_cap"), QString::number(m_hourlyCap->value())},
        {QStringLiteral("min_gap_seconds"), QString::number(m_gap->value())},
        {QStringLiteral("warmup_days"), QString::number(m_warmup->value())},
        {QStringLiteral("rest_days"), QString::number(m_rest->value())},
        {QStringLiteral("tenant_cooldown_days"), QString::number(m_cooldown->value())},
    };
    int saved = 0;
    for (const auto &[key, value] : values) {
        if (m_stored.value(key) == value)
            continue;
        if (auto done = CallerPolicy::set(m_workspace.database(), m_workspace.actor(), key, value); !done)
            return done.error();
        m_stored.insert(key, value);
        ++saved;
    }
    return saved;
}

} // namespace PoolDesk::Ui
