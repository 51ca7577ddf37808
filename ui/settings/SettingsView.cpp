#include "settings/SettingsView.h"

#include "users/UsersSection.h"

#include "Workspace.h"
#include "common/Icons.h"
#include "common/InlineError.h"
#include "common/Language.h"
#include "common/Retranslate.h"
#include "pool/Tariffs.h"
#include "settings/AuditLogSection.h"
#include "settings/CallerIdSection.h"
#include "settings/SettingsPages.h"
#include "storage/Settings.h"
#include "twilio/AutoScaler.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QCoreApplication>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTimeZone>
#include <QUrl>
#include <QVBoxLayout>

namespace PoolDesk::Ui {

namespace {
QString plainMoney(Micros micros, int decimals) {
    return Money::toPlainString(micros, decimals);
}

std::optional<Micros> parseMoney(QString text) {
    text = text.trimmed();
    const QLocale locale;
    if (locale.decimalPoint() != QLatin1String(".") && !text.contains(QLatin1Char('.')))
        text.replace(locale.decimalPoint(), QStringLiteral("."));
    return Money::parseUsd(text);
}

// A hint under a form: `text` gives it in the current language (again after a switch).
QLabel *help(std::function<QString()> text, QWidget *parent) {
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    retranslate(label, [label, text = std::move(text)] { label->setText(text()); });
    return label;
}
} // namespace

SettingsView::SettingsView(Workspace &workspace, QWidget *parent)
    : View(workspace, parent) {
    setObjectName(QStringLiteral("settingsView"));
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("settingsScrollArea"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *content = new QWidget(scroll);
    m_sections = new QVBoxLayout(content);
    m_sections->setSpacing(14);

    struct Section {
        int order;
        QWidget *widget;
    };
    QWidget *pool = buildPoolSection();
    QWidget *policy = buildPolicySection();
    QWidget *tariff = buildTariffSection();
    m_callerId = new CallerIdSection(m_workspace, this);
    connect(m_callerId, &CallerIdSection::edited, this, &SettingsView::markDirty);
    m_auditLog = new AuditLogSection(m_workspace, this);
    connect(m_auditLog, &AuditLogSection::edited, this, &SettingsView::markDirty);
    QList<Section> sections{{20, pool},
                            {30, policy},
                            {35, m_callerId},
                            {40, tariff},
                            {60, buildLanguageSection()},
                            {65, m_auditLog},
                            {70, buildAccessSection()}};
    // The workspace's settings are an administrator's to change, while the database takes writes;
    // others read them. (The language is each person's own, on their computer.)
    const bool mayChange = m_workspace.roleAllows(Permission::ChangeSettings);
    m_editable = {pool, policy, m_callerId, tariff, m_auditLog};
    updateEditable();
    connect(&m_workspace, &Workspace::writableChanged, this, &SettingsView::updateEditable);
    retranslate(this, [this] { updateEditable(); });
    if (auto *users = UsersSection::createFor(m_workspace, content)) {
        auto *box = new QGroupBox(content);
        box->setObjectName(QStringLiteral("usersSettingsGroupBox"));
        retranslate(this, [box] { box->setTitle(tr("Users")); });
        auto *layout = new QVBoxLayout(box);
        users->setParent(box);
        layout->addWidget(users);
        sections.append({75, box});
    }
    const auto extra = SettingsPages::all();
    for (const SettingsPage &page : extra) {
        auto *box = new QGroupBox(content);
        retranslate(this, [box, title = page.title] {
            box->setTitle(QCoreApplication::translate("SettingsPages", title));
        });
        box->setObjectName(page.id + QStringLiteral("SettingsGroupBox"));
        auto *layout = new QVBoxLayout(box);
        layout->addWidget(page.create(m_workspace, box));
        sections.append({page.order, box});
    }
    if (std::none_of(extra.begin(), extra.end(),
                     [](const SettingsPage &p) { return p.id == QLatin1String("environments"); }))
        sections.append({10, buildEnvironmentsSection()});
    std::stable_sort(sections.begin(), sections.end(),
                     [](const Section &a, const Section &b) { return a.order < b.order; });
    for (const Section &section : std::as_const(sections))
        m_sections->addWidget(section.widget);
    m_sections->addStretch(1);
    content->setMaximumWidth(820); // forms read better than full-width fields on wide windows
    scroll->setWidget(content);
    outer->addWidget(scroll, 1);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(8, 4, 8, 4);
    m_error = new InlineError(this);
    m_error->setObjectName(QStringLiteral("settingsErrorLabel"));
    bar->addWidget(m_error, 1);
    bar->addStretch(1);
    m_revert = new QPushButton(this);
    m_revert->setObjectName(QStringLiteral("revertSettingsButton"));
    m_save = new QPushButton(this);
    m_save->setObjectName(QStringLiteral("saveSettingsButton"));
    m_save->setDefault(true);
    m_save->setShortcut(QKeySequence::Save);
    retranslate(this, [this] {
        m_revert->setText(tr("&Revert"));
        retranslate(this,
                    [this] { m_revert->setToolTip(tr("Discard the changes and show the stored settings")); });
        m_save->setText(tr("&Save Settings"));
        retranslate(this, [this] {
            m_save->setToolTip(tr("Save the changed settings for every console and pooldeskctl (Ctrl+S)"));
        });
    });
    m_save->setEnabled(false);
    m_revert->setEnabled(false);
    bar->addWidget(m_revert);
    bar->addWidget(m_save);
    m_save->setVisible(mayChange);
    m_revert->setVisible(mayChange);
    outer->addLayout(bar);
    connect(m_save, &QPushButton::clicked, this, &SettingsView::save);
    connect(m_revert, &QPushButton::clicked, this, &SettingsView::refresh);
}

QIcon SettingsView::icon() const {
    return Icons::get(QStringLiteral("settings"), QStringLiteral("configure"));
}

QWidget *SettingsView::buildPoolSection() {
    auto *box = new QGroupBox(this);
    retranslate(this, [box] { box->setTitle(tr("Pool")); });
    box->setObjectName(QStringLiteral("poolSettingsGroupBox"));
    auto *form = new QFormLayout(box);
    m_threshold = new QSpinBox(box);
    m_threshold->setObjectName(QStringLiteral("thresholdSpinBox"));
    m_threshold->setRange(0, 10000);
    retranslate(this, [this] {
        m_threshold->setToolTip(
            tr("The pool view warns (and the scaling policy buys) when fewer shared numbers than "
               "this are available"));
    });
    m_concurrency = new QSpinBox(box);
    m_concurrency->setObjectName(QStringLiteral("concurrencySpinBox"));
    m_concurrency->setRange(1, 1000);
    retranslate(this, [this] {
        m_concurrency->setToolTip(
            tr("Calls one number may carry at the same time. Twilio allows more, but one call "
               "per number keeps caller ID reputation and status callbacks clean."));
    });
    m_lease = new QSpinBox(box);
    m_lease->setObjectName(QStringLiteral("leaseSpinBox"));
    m_lease->setRange(10, 86400);
    m_lease->setSingleStep(60);
    retranslate(this, [this] { m_lease->setSuffix(tr(" s")); });
    retranslate(this, [this] {
        m_lease->setToolTip(
            tr("How long a reservation lasts without renewal; a caller that crashes frees its number "
               "after this"));
    });
    addFormRow(
        form, this, [] { return tr("Minimum available &shared numbers:"); }, m_threshold);
    addFormRow(
        form, this, [] { return tr("Calls per &number at once:"); }, m_concurrency);
    addFormRow(
        form, this, [] { return tr("Default &lease:"); }, m_lease);
    // The billing zone: an editable list of the zones this computer knows (IANA names).
    m_billingZone = new QComboBox(box);
    m_billingZone->setObjectName(QStringLiteral("billingZoneComboBox"));
    m_billingZone->setEditable(true);
    m_billingZone->setInsertPolicy(QComboBox::NoInsert);
    QStringList zones{QStringLiteral("UTC")};
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
        if (id.contains('/') && !id.startsWith("Etc/"))
            zones.append(QString::fromUtf8(id));
    m_billingZone->addItems(zones);
    if (m_billingZone->completer()) {
        m_billingZone->completer()->setCaseSensitivity(Qt::CaseInsensitive);
        m_billingZone->completer()->setFilterMode(Qt::MatchContains);
    }
    retranslate(this, [this] {
        m_billingZone->setToolTip(
            tr("Where months and days begin for budget limits, usage, cost reports, the Calls view and "
               "pooldeskctl's dates. Times are stored in UTC; closed months keep the zone they were "
               "closed in. Reconciliation with Twilio always uses UTC, as Twilio bills."));
    });
    addFormRow(
        form, this, [] { return tr("Billing time &zone:"); }, m_billingZone);
    connect(m_billingZone, &QComboBox::currentTextChanged, this, &SettingsView::markDirty);
    m_serviceUrl = new QLineEdit(box);
    m_serviceUrl->setObjectName(QStringLiteral("serviceUrlLineEdit"));
    m_serviceUrl->setClearButtonEnabled(true);
    m_serviceUrl->setPlaceholderText(QStringLiteral("https://pool.example.com:8080"));
    retranslate(this, [this] {
        m_serviceUrl->setToolTip(
            tr("Where consoles without Twilio credentials (client companies' managers) get call "
               "recordings: the pool service's address as they reach it. Leave empty if only "
               "administrators listen."));
    });
    addFormRow(
        form, this, [] { return tr("Pool service &address:"); }, m_serviceUrl);
    connect(m_serviceUrl, &QLineEdit::textEdited, this, &SettingsView::markDirty);
    form->addRow(QString(),
                 help(
                     [] {
                         return tr(
                             "The seed's rule is one call per number; raise it only if your Twilio account "
                             "and callers are set up for it.");
                     },
                     box));
    for (QSpinBox *spin : {m_threshold, m_concurrency, m_lease})
        connect(spin, &QSpinBox::valueChanged, this, &SettingsView::markDirty);
    return box;
}

QWidget *SettingsView::buildPolicySection() {
    auto *box = new QGroupBox(this);
    retranslate(this, [box] { box->setTitle(tr("Scaling Policy")); });
    box->setObjectName(QStringLiteral("policySettingsGroupBox"));
    auto *form = new QFormLayout(box);
    m_buyWhenExhausted = new QCheckBox(box);
    retranslate(this, [this] { m_buyWhenExhausted->setText(tr("Buy a number when the pool is exhausted")); });
    m_buyWhenExhausted->setObjectName(QStringLiteral("buyWhenExhaustedCheckBox"));
    m_buyLocal = new QCheckBox(box);
    retranslate(this, [this] {
        m_buyLocal->setText(tr("Also buy local numbers where calls went out without one"));
        m_buyLocal->setToolTip(
            tr("Each callee area code that calls went to from a number outside it over the last 7 days gets "
               "the numbers its sizing lacks, within the maximum pool size and the budget cap. Off, those "
               "area codes are still served first when the pool buys for other reasons."));
    });
    m_buyLocal->setObjectName(QStringLiteral("buyLocalCheckBox"));
    m_maxPoolSize = new QSpinBox(box);
    m_maxPoolSize->setObjectName(QStringLiteral("maxPoolSizeSpinBox"));
    m_maxPoolSize->setRange(0, 100000);
    retranslate(this, [this] { m_maxPoolSize->setSpecialValueText(tr("No maximum")); });
    m_idleDays = new QSpinBox(box);
    m_idleDays->setObjectName(QStringLiteral("idleDaysSpinBox"));
    m_idleDays->setRange(0, 3650);
    retranslate(this, [this] { m_idleDays->setSpecialValueText(tr("Never")); });
    retranslate(this, [this] { m_idleDays->setSuffix(tr(" days")); });
    m_budgetCap = new QLineEdit(box);
    m_budgetCap->setObjectName(QStringLiteral("budgetCapLineEdit"));
    retranslate(this, [this] { m_budgetCap->setPlaceholderText(tr("No cap")); });
    m_budgetCap->setClearButtonEnabled(true);
    form->addRow(QString(), m_buyWhenExhausted);
    form->addRow(QString(), m_buyLocal);
    addFormRow(
        form, this, [] { return tr("Maximum pool &size:"); }, m_maxPoolSize);
    addFormRow(
        form, this, [] { return tr("Suggest releasing numbers idle for:"); }, m_idleDays);
    addFormRow(
        form, this, [] { return tr("Monthly purchase &budget cap (USD):"); }, m_budgetCap);
    connect(m_buyWhenExhausted, &QCheckBox::toggled, this, &SettingsView::markDirty);
    connect(m_buyLocal, &QCheckBox::toggled, this, &SettingsView::markDirty);
    connect(m_maxPoolSize, &QSpinBox::valueChanged, this, &SettingsView::markDirty);
    connect(m_idleDays, &QSpinBox::valueChanged, this, &SettingsView::markDirty);
    connect(m_budgetCap, &QLineEdit::textEdited, this, &SettingsView::markDirty);
    return box;
}

QWidget *SettingsView::buildTariffSection() {
    auto *box = new QGroupBox(this);
    retranslate(this, [box] { box->setTitle(tr("Tariffs")); });
    box->setObjectName(QStringLiteral("tariffSettingsGroupBox"));
    auto *form = new QFormLayout(box);
    m_country = new QLineEdit(box);
    m_country->setObjectName(QStringLiteral("tariffCountryLineEdit"));
    m_country->setReadOnly(true);
    m_numberMonthly = new QLineEdit(box);
    m_numberMonthly->setObjectName(QStringLiteral("numberMonthlyLineEdit"));
    m_outbound = new QLineEdit(box);
    m_outbound->setObjectName(QStringLiteral("outboundPerMinuteLineEdit"));
    m_inbound = new QLineEdit(box);
    m_inbound->setObjectName(QStringLiteral("inboundPerMinuteLineEdit"));
    m_tariffSource = new QLabel(box);
    m_tariffSource->setObjectName(QStringLiteral("tariffSourceLabel"));
    addFormRow(
        form, this, [] { return tr("Country:"); }, m_country);
    addFormRow(
        form, this, [] { return tr("Number rental per &month (USD):"); }, m_numberMonthly);
    addFormRow(
        form, this, [] { return tr("&Outbound per minute (USD):"); }, m_outbound);
    addFormRow(
        form, this, [] { return tr("&Inbound per minute (USD):"); }, m_inbound);
    addFormRow(
        form, this, [] { return tr("Source:"); }, m_tariffSource);
    form->addRow(
        QString(),
        help(
            [] {
                return tr("Used to estimate costs until Twilio reports a call's own price. Twilio bills each "
                          "call per started minute.");
            },
            box));
    for (QLineEdit *edit : {m_numberMonthly, m_outbound, m_inbound})
        connect(edit, &QLineEdit::textEdited, this, &SettingsView::markDirty);
    return box;
}

QWidget *SettingsView::buildAccessSection() {
    auto *box = new QGroupBox(this);
    retranslate(this, [box] { box->setTitle(tr("Access")); });
    box->setObjectName(QStringLiteral("accessSettingsGroupBox"));
    auto *layout = new QVBoxLayout(box);
    auto *text = new QLabel(box);
    text->setObjectName(QStringLiteral("accessLabel"));
    text->setWordWrap(true);
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(text);
    const bool sqlite = m_workspace.database().isSqlite();
    const QString login = m_workspace.database().login();
    retranslate(this, [text, sqlite, login] {
        text->setText(sqlite
                          ? tr("This pool is a SQLite file. Whoever can open the file (here the account %1) "
                               "has full access to every company's data, and PoolDesk cannot limit it. Teams "
                               "that need roles and isolation between companies keep the pool in "
                               "PostgreSQL.")
                                .arg(login)
                          : tr("You are signed in to PostgreSQL as %1. Each person uses their own login; "
                               "administrators add people and set their roles under Users below or with "
                               "`pooldeskctl user add`.")
                                .arg(login));
    });
    return box;
}

QWidget *SettingsView::buildLanguageSection() {
    auto *box = new QGroupBox(this);
    retranslate(this, [box] { box->setTitle(tr("Language")); });
    box->setObjectName(QStringLiteral("languageSettingsGroupBox"));
    auto *form = new QFormLayout(box);
    m_language = new QComboBox(box);
    m_language->setObjectName(QStringLiteral("languageComboBox"));
    for (const QString &code : Language::available())
        m_language->addItem(Language::displayName(code), code);
    m_language->setCurrentIndex(std::max(0, m_language->findData(Language::chosen())));
    addFormRow(
        form, this, [] { return tr("&Language:"); }, m_language);
    form->addRow(QString(),
                 help(
                     [] {
                         return tr("Your own choice on this computer. Dates, numbers and amounts follow your "
                                   "system's regional format.");
                     },
                     box));
    // Applies at once: every window receives QEvent::LanguageChange and words itself again.
    connect(m_language, &QComboBox::currentIndexChanged, this, [this] {
        Language::setChosen(m_language->currentData().toString());
        Language::apply();
    });
    onLanguageChange(this, [this] {
        const QSignalBlocker blocker(m_language);
        for (int i = 0; i < m_language->count(); ++i)
            m_language->setItemText(i, Language::displayName(m_language->itemData(i).toString()));
        showTariffSource();
    });
    return box;
}

void SettingsView::showTariffSource() {
    m_tariffSource->setText(m_tariffSourceKey == QLatin1String("twilio") ? tr("Twilio's live prices")
                            : m_tariffSourceKey == QLatin1String("manual")
                                ? tr("Entered here")
                                : tr("Twilio's published US prices (defaults)"));
}

QWidget *SettingsView::buildEnvironmentsSection() {
    // The console puts the Twilio environments page here (setEnvironmentsPage); without it, say
    // where environments are managed.
    auto *box = new QGroupBox(this);
    retranslate(this, [box] { box->setTitle(tr("Environments")); });
    box->setObjectName(QStringLiteral("environmentsSettingsGroupBox"));
    m_environmentsBox = box;
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(help(
        [] {
            return tr("Twilio environments (account, API key, webhook addresses) are set with "
                      "“pooldeskctl env”. Secrets stay in your system's keychain, never in the database.");
        },
        box));
    return box;
}

void SettingsView::setEnvironmentsPage(QWidget *page) {
    if (!m_environmentsBox || !page)
        return;
    QLayout *layout = m_environmentsBox->layout();
    while (QLayoutItem *item = layout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    page->setParent(m_environmentsBox);
    layout->addWidget(page);
}

void SettingsView::updateEditable() {
    const bool editable = m_workspace.allows(Permission::ChangeSettings);
    const QString why = !m_workspace.roleAllows(Permission::ChangeSettings)
                            ? neededRoleText(Permission::ChangeSettings)
                        : m_workspace.writeRefusal() ? m_workspace.writeRefusal()->message
                                                     : QString();
    for (QWidget *section : std::as_const(m_editable)) {
        section->setEnabled(editable);
        section->setToolTip(why);
    }
    if (m_save && !editable)
        m_save->setEnabled(false);
}

void SettingsView::activated() {
    if (!m_loaded)
        refresh();
}

void SettingsView::refresh() {
    m_loading = true;
    Database &db = m_workspace.database();
    auto read = [&](const QString &key, qint64 fallback) {
        const qint64 value = Settings::intValue(db, key, fallback);
        m_stored.insert(key, QString::number(value));
        return value;
    };
    m_threshold->setValue(int(read(SettingKeys::MinAvailableThreshold, 2)));
    m_concurrency->setValue(int(read(SettingKeys::PerNumberConcurrency, 1)));
    m_lease->setValue(int(read(SettingKeys::DefaultLeaseSeconds, 3600)));
    m_buyWhenExhausted->setChecked(read(SettingKeys::BuyWhenExhausted, 0) != 0);
    m_buyLocal->setChecked(read(Twilio::ScalingPolicy::localPresenceBuyKey(), 0) != 0);
    m_maxPoolSize->setValue(int(read(SettingKeys::MaxPoolSize, 0)));
    m_idleDays->setValue(int(read(SettingKeys::IdleReleaseDays, 0)));
    const qint64 cap = read(SettingKeys::MonthlyBudgetCapMicros, 0);
    m_budgetCap->setText(cap > 0 ? plainMoney(cap, 2) : QString());
    const QString country = Settings::value(db, SettingKeys::Country, QStringLiteral("US"));
    m_country->setText(country);
    m_stored.insert(SettingKeys::BillingTimeZone, Settings::billingZone(db).id());
    {
        const QSignalBlocker blocker(m_billingZone);
        m_billingZone->setCurrentText(m_stored.value(SettingKeys::BillingTimeZone));
    }
    m_callerId->load();
    m_auditLog->load();
    m_stored.insert(SettingKeys::ServiceUrl, Settings::value(db, SettingKeys::ServiceUrl));
    m_serviceUrl->setText(m_stored.value(SettingKeys::ServiceUrl));
    if (auto tariff = Tariffs::load(db, country)) {
        m_numberMonthly->setText(plainMoney(tariff.value().numberMonthly, 2));
        m_outbound->setText(plainMoney(tariff.value().outboundPerMinute, 4));
        m_inbound->setText(plainMoney(tariff.value().inboundPerMinute, 4));
        m_tariffSourceKey = tariff.value().source;
        showTariffSource();
    } else {
        m_error->showError(tariff.error().message);
    }
    m_loaded = true;
    m_loading = false;
    m_error->clearMessage();
    m_save->setEnabled(false);
    m_revert->setEnabled(false);
}

void SettingsView::markDirty() {
    if (m_loading)
        return;
    m_error->clearMessage();
    m_save->setEnabled(true);
    m_revert->setEnabled(true);
}

bool SettingsView::save() {
    Database &db = m_workspace.database();
    // Read and check everything first: bad input saves nothing.
    qint64 cap = 0;
    if (!m_budgetCap->text().trimmed().isEmpty()) {
        const auto parsed = parseMoney(m_budgetCap->text());
        if (!parsed || *parsed < 0) {
            m_error->showError(
                tr("The budget cap must be an amount in US dollars (for example 50.00), or empty for "
                   "no cap."));
            m_budgetCap->setFocus();
            return false;
        }
        cap = *parsed;
    }
    Tariff tariff;
    if (auto loaded = Tariffs::load(db, m_country->text()))
        tariff = loaded.value();
    tariff.country = m_country->text();
    struct Price {
        QLineEdit *edit;
        Micros *target;
    };
    bool tariffChanged = false;
    for (const Price &price :
         {Price{m_numberMonthly, &tariff.numberMonthly}, Price{m_outbound, &tariff.outboundPerMinute},
          Price{m_inbound, &tariff.inboundPerMinute}}) {
        const auto parsed = parseMoney(price.edit->text());
        if (!parsed || *parsed < 0) {
            m_error->showError(tr("Prices must be amounts in US dollars, for example 1.15 or 0.0130."));
            price.edit->setFocus();
            return false;
        }
        if (*parsed != *price.target) {
            *price.target = *parsed;
            tariffChanged = true;
        }
    }

    const QString serviceUrl = m_serviceUrl->text().trimmed();
    const QUrl parsedServiceUrl(serviceUrl, QUrl::StrictMode);
    if (!serviceUrl.isEmpty() && (!parsedServiceUrl.isValid() || parsedServiceUrl.host().isEmpty() ||
                                  (parsedServiceUrl.scheme() != QLatin1String("https") &&
                                   parsedServiceUrl.scheme() != QLatin1String("http")))) {
        m_error->showError(tr("The pool service address must be an http or https URL, for example "
                              "https://pool.example.com:8080."));
        m_serviceUrl->setFocus();
        return false;
    }
    const QString zone = m_billingZone->currentText().trimmed();
    if (!BillingZone::fromId(zone)) {
        m_error->showError(tr("“%1” is not a time zone this computer knows. Pick one from the list, "
                              "for example Asia/Tokyo or UTC.")
                               .arg(zone));
        m_billingZone->setFocus();
        return false;
    }
    const QList<QPair<QString, QString>> values{
        {SettingKeys::BillingTimeZone, zone},
        {SettingKeys::ServiceUrl, serviceUrl},
        {SettingKeys::MinAvailableThreshold, QString::number(m_threshold->value())},
        {SettingKeys::PerNumberConcurrency, QString::number(m_concurrency->value())},
        {SettingKeys::DefaultLeaseSeconds, QString::number(m_lease->value())},
        {SettingKeys::BuyWhenExhausted,
         m_buyWhenExhausted->isChecked() ? QStringLiteral("1") : QStringLiteral("0")},
        {Twilio::ScalingPolicy::localPresenceBuyKey(),
         m_buyLocal->isChecked() ? QStringLiteral("1") : QStringLiteral("0")},
        {SettingKeys::MaxPoolSize, QString::number(m_maxPoolSize->value())},
        {SettingKeys::IdleReleaseDays, QString::number(m_idleDays->value())},
        {SettingKeys::MonthlyBudgetCapMicros, QString::number(cap)},
    };
    int saved = 0;
    for (const auto &[key, value] : values) {
        if (m_stored.value(key) == value)
            continue;
        if (auto done = Settings::set(db, m_workspace.actor(), key, value); !done) {
            m_error->showError(done.error().message);
            return false;
        }
        m_stored.insert(key, value);
        ++saved;
    }
    if (auto policy = m_callerId->save(); !policy) {
        m_error->showError(policy.error().message);
        return false;
    } else {
        saved += policy.value();
    }
    if (auto audit = m_auditLog->save(); !audit) {
        m_error->showError(audit.error().message);
        return false;
    } else {
        saved += audit.value();
    }
    if (tariffChanged) {
        auto changed = Tariffs::update(db, m_workspace.actor(), tariff.country, [&tariff](Tariff &stored) {
            stored.numberMonthly = tariff.numberMonthly;
            stored.outboundPerMinute = tariff.outboundPerMinute;
            stored.inboundPerMinute = tariff.inboundPerMinute;
            stored.source = QStringLiteral("manual");
        });
        if (!changed) {
            m_error->showError(changed.error().message);
            return false;
        }
        ++saved;
    }
    m_save->setEnabled(false);
    m_revert->setEnabled(false);
    m_workspace.notifyChanged();
    positive(saved > 0 ? tr("Settings saved. Every console and pooldeskctl uses them from now on.")
                       : tr("Nothing to save: the settings are unchanged."));
    return true;
}

} // namespace PoolDesk::Ui
