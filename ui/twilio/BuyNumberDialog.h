#pragma once

#include <QDialog>

class QCheckBox;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace PoolDesk::Ui {

class InlineError;
class TwilioActions;
class Workspace;

// Search Twilio's available numbers and buy one: shows the monthly price and asks before buying;
// when the number was taken meanwhile (21422) it says so and offers the next one in the list.
class BuyNumberDialog final : public QDialog {
    Q_OBJECT
public:
    BuyNumberDialog(Workspace &workspace, TwilioActions &actions, QWidget *parent = nullptr);

private:
    void search();
    void buySelected();

    Workspace &m_workspace;
    TwilioActions &m_actions;
    QLineEdit *m_country;
    QLineEdit *m_areaCode;
    QLineEdit *m_contains;
    QCheckBox *m_tollFree;
    QPushButton *m_searchButton;
    QListWidget *m_results;
    QPushButton *m_buyButton;
    InlineError *m_message;
};

} // namespace PoolDesk::Ui
