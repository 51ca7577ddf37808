// pooldesk: the console administrators and finance staff use every day. Entry point only: it
// parses the command line, opens the pool database and shows the main window.
#include "MainWindow.h"
#include "Workspace.h"
#include "common/Icons.h"
#include "common/Language.h"
#include "common/MessageBox.h"
#include "credentials/SecretStore.h"
#include "domain/Types.h"
#include "signin/SignIn.h"
#include "storage/Database.h"
#include "storage/DatabaseUrl.h"

#ifdef POOLDESK_HAVE_TRANSLATIONS
#include "Translations.h"
#endif

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

using namespace PoolDesk;

int main(int argc, char *argv[]) {
    QGuiApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("PoolDesk"));
    QApplication::setApplicationName(QStringLiteral("PoolDesk"));
    QApplication::setApplicationDisplayName(QStringLiteral("PoolDesk"));
    QApplication::setApplicationVersion(QStringLiteral(POOLDESK_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("pooldesk"));
    Ui::initResources();
    QApplication::setWindowIcon(Ui::Icons::application());
#ifdef POOLDESK_HAVE_TRANSLATIONS
    Translations::install(Ui::Language::effective());
#endif

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "PoolDesk console: phone-number pool, companies, calls, usage and costs."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dbOption(
        QStringLiteral("db"),
        QCoreApplication::translate(
            "main", "The pool database: a path, sqlite:PATH or postgresql://user@host:port/db "
                    "(default: POOLDESK_DB, else the embedded database)."),
        QStringLiteral("URL"));
    const QCommandLineOption envOption(
        QStringLiteral("env"),
        QCoreApplication::translate("main",
                                    "The Twilio environment to work on: development or production (default: "
                                    "POOLDESK_ENV, else development)."),
        QStringLiteral("NAME"));
    parser.addOption(dbOption);
    parser.addOption(envOption);
    parser.process(app);

    QString url = parser.value(dbOption);
    if (url.isEmpty())
        url = DatabaseUrl::defaultUrl();
    QString environment = parser.value(envOption);
    if (environment.isEmpty())
        environment = qEnvironmentVariable("POOLDESK_ENV", DevelopmentEnvironment);

    // Signs in as a person would (the keychain, else a dialog) and then opens the window. Closing
    // the sign-in dialog must not end the program before the window is there.
    QApplication::setQuitOnLastWindowClosed(false);
    SecretStore secrets;
    Ui::SignIn signIn(url, &secrets);
    std::unique_ptr<Ui::Workspace> workspace;
    std::unique_ptr<Ui::MainWindow> window;
    signIn.start([&](Result<std::unique_ptr<Database>> database) {
        if (!database) {
            if (database.error().code != Error::Code::Cancelled)
                Ui::MessageBox::critical(
                    nullptr, QCoreApplication::translate("main", "PoolDesk cannot start"),
                    QCoreApplication::translate("main", "The pool database could not be opened.\n\n%1")
                        .arg(database.error().message));
            // Possibly before the event loop runs: exit() then would be lost.
            QTimer::singleShot(0, [] { QCoreApplication::exit(1); });
            return;
        }
        workspace = std::make_unique<Ui::Workspace>(std::move(database).value(), environment);
        window = std::make_unique<Ui::MainWindow>(*workspace);
        window->show();
        QApplication::setQuitOnLastWindowClosed(true);
        QTimer::singleShot(0, window.get(), [&window] { window->offerDemoWorkspaceIfEmpty(); });
    });
    const int status = QApplication::exec();
    window.reset();
    workspace.reset();
    return status;
}
