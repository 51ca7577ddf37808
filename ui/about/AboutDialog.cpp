#include "about/AboutDialog.h"

#include "about/AppInfo.h"
#include "about/DebugInfo.h"
#include "about/ThirdParty.h"
#include "common/Icons.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScreen>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace PoolDesk::Ui {

namespace {

QWidget *aboutTab(QWidget *parent) {
    auto *page = new QWidget(parent);
    auto *layout = new QVBoxLayout(page);
    auto *icon = new QLabel(page);
    icon->setPixmap(Icons::application().pixmap(64, 64));
    layout->addWidget(icon, 0, Qt::AlignHCenter);
    auto *text = new QLabel(page);
    text->setObjectName(QStringLiteral("aboutText"));
    text->setTextFormat(Qt::RichText);
    text->setOpenExternalLinks(true);
    text->setWordWrap(true);
    text->setAlignment(Qt::AlignHCenter);
    text->setTextInteractionFlags(Qt::TextBrowserInteraction);
    const QString revision =
        AppInfo::revision().isEmpty()
            ? QString()
            : QStringLiteral("<br>") +
                  AboutDialog::tr("Git revision %1").arg(AppInfo::revision().toHtmlEscaped());
    text->setText(
        QStringLiteral("<h2>PoolDesk %1</h2><p>%2%3</p><p>%4</p><p>%5<br>%6</p><p><a href=\"%7\">%7</a></p>")
            .arg(AppInfo::version().toHtmlEscaped(),
                 AboutDialog::tr("Phone number pool console for Twilio call centres."), revision,
                 AboutDialog::tr("Numbers dedicated to a company, shared, or both; the right one "
                                 "for each call, and costs each company can be sent."),
                 AppInfo::copyrightLine().toHtmlEscaped(),
                 AboutDialog::tr("Free software under the GNU General Public License, version 3 "
                                 "or later. There is NO WARRANTY, to the extent permitted by law."),
                 AppInfo::homepage().toHtmlEscaped()));
    layout->addWidget(text);
    layout->addStretch();
    return page;
}

QWidget *thirdPartyTab(QWidget *parent) {
    const QList<ThirdParty::Component> components = ThirdParty::components();
    auto *table = new QTableWidget(int(components.size()), 3, parent);
    table->setObjectName(QStringLiteral("thirdPartyTable"));
    table->setHorizontalHeaderLabels(
        {AboutDialog::tr("Component"), AboutDialog::tr("Used for"), AboutDialog::tr("Licence")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setWordWrap(true);
    for (int row = 0; row < components.size(); ++row) {
        const ThirdParty::Component &c = components[row];
        auto *name = new QTableWidgetItem(c.name);
        name->setToolTip(c.homepage);
        table->setItem(row, 0, name);
        table->setItem(row, 1, new QTableWidgetItem(c.purpose));
        table->setItem(row, 2, new QTableWidgetItem(c.licence));
    }
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    table->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    table->resizeRowsToContents();
    return table;
}

} // namespace

AboutDialog::AboutDialog(const QString &database, QWidget *parent)
    : QDialog(parent) {
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About PoolDesk"));
    auto *tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("aboutTabs"));
    tabs->addTab(aboutTab(tabs), tr("&About"));
    tabs->addTab(thirdPartyTab(tabs), tr("&Third-party software"));

    auto *systemPage = new QWidget(tabs);
    auto *systemLayout = new QVBoxLayout(systemPage);
    auto *hint =
        new QLabel(tr("Paste this into a bug report: it holds no password or other secret."), systemPage);
    hint->setWordWrap(true);
    systemLayout->addWidget(hint);
    m_system = new QPlainTextEdit(systemPage);
    m_system->setObjectName(QStringLiteral("systemInformation"));
    m_system->setReadOnly(true);
    m_system->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_system->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    QStringList extra;
    extra << QStringLiteral("Platform plugin: %1").arg(QGuiApplication::platformName());
    if (const QScreen *screen = QGuiApplication::primaryScreen())
        extra << QStringLiteral("Screen: %1x%2, device pixel ratio %3")
                     .arg(screen->size().width())
                     .arg(screen->size().height())
                     .arg(screen->devicePixelRatio());
    extra << QStringLiteral("Database: %1").arg(database);
    m_system->setPlainText(DebugInfo::text(QStringLiteral("pooldesk"), extra));
    systemLayout->addWidget(m_system);
    auto *copy = new QPushButton(tr("&Copy to clipboard"), systemPage);
    copy->setObjectName(QStringLiteral("copySystemInformation"));
    connect(copy, &QPushButton::clicked, this, [this, copy] {
        QGuiApplication::clipboard()->setText(systemInformation());
        copy->setText(tr("Copied"));
    });
    systemLayout->addWidget(copy, 0, Qt::AlignRight);
    tabs->addTab(systemPage, tr("&System information"));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    layout->addWidget(buttons);
    resize(640, 460);
}

QString AboutDialog::systemInformation() const {
    return m_system->toPlainText();
}

} // namespace PoolDesk::Ui
