// pooldesk: the console administrators and finance staff use every day. Entry point only: it
// parses the command line, opens the pool database and shows the main window.
#include "MainWindow.h"
#include "Workspace.h"
#include "about/AppInfo.h"
#include "about/DebugInfo.h"
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
#include <QTextStream>
#include <QTimer>

#include <cstring>
#include <optional>

using namespace PoolDesk;

namespace {

struct Options {
    QCommandLineOption version{{QStringLiteral("v"), QStringLiteral("version")},
                               QCoreApplication::translate("main", "Displays version information.")};
    QCommandLineOption debugInfo{
        QStringLiteral("debug-info"),
        QCoreApplication::translate("main", "Prints what a bug report needs (versions, Qt, system, SQL "
                                            "drivers, keychain) and exits.")};
    QCommandLineOption db{QStringLiteral("db"),
                          QCoreApplication::translate(
                              "main",
                              "The pool database: a path, sqlite:PATH or postgresql://user@host:port/db "
                              "(default: POOLDESK_DB, else the embedded database)."),
                          QStringLiteral("URL")};
    QCommandLineOption env{
        QStringLiteral("env"),
        QCoreApplication::translate("main",
                                    "The Twilio environment to work on: development or production (default: "
                                    "POOLDESK_ENV, else development)."),
        QStringLiteral("NAME")};
};

void describe(QCommandLineParser &parser, const Options &options) {
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "PoolDesk console: phone-number pool, companies, calls, usage and costs."));
    parser.addHelpOption();
    parser.addOptions({options.version, options.debugInfo, options.db, options.env});
}

// Installs the user's language first: the options' descriptions are translated when made.
Options parseCommandLine(const QCoreApplication &app, QCommandLineParser &parser) {
#ifdef POOLDESK_HAVE_TRANSLATIONS
    Translations::install(Ui::Language::effective());
#endif
    Options options;
    describe(parser, options);
    parser.process(app);
    return options;
}

// --help, --version and --debug-info answer without a display, as over SSH or in a package check:
// they run before QApplication, which needs a windowing system.
std::optional<int> answerWithoutWindow(int argc, char *argv[]) {
    bool informational = false;
    for (int i = 1; i < argc; ++i)
        for (const char *flag : {"-h", "--help", "-?", "-v", "--version", "--debug-info", "--help-all"})
            informational = informational || std::strcmp(argv[i], flag) == 0;
    if (!informational)
        return std::nullopt;
    QCoreApplication app(argc, argv);
    AppInfo::identifyApplication();
    QCommandLineParser parser;
    const Options options = parseCommandLine(app, parser); // help and usage errors exit here
    QTextStream out(stdout);
    if (parser.isSet(options.version))
        out << AppInfo::versionText(QStringLiteral("pooldesk"));
    else
        out << DebugInfo::text(QStringLiteral("pooldesk"));
    return 0;
}

} // namespace

int main(int argc, char *argv[]) {
    if (const auto status = answerWithoutWindow(argc, argv))
        return *status;
    QGuiApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication app(argc, argv);
    AppInfo::identifyApplication();
    QApplication::setApplicationDisplayName(AppInfo::productName());
    QApplication::setDesktopFileName(AppInfo::applicationId());
    Ui::initResources();
    QApplication::setWindowIcon(Ui::Icons::application());
    QCommandLineParser parser;
    const Options options = parseCommandLine(app, parser);

    QString url = parser.value(options.db);
    if (url.isEmpty())
        url = DatabaseUrl::defaultUrl();
    QString environment = parser.value(options.env);
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
