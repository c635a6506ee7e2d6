# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'intake_dialog.ui'
##
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QCheckBox, QComboBox,
    QDialog, QDialogButtonBox, QFrame, QGridLayout,
    QGroupBox, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit,
    QPushButton, QSizePolicy, QSpacerItem, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget)

from mediator_desktop.ui.common.widgets import (DateEdit, ScrollingBody)

class Ui_IntakeDialog(object):
    def setupUi(self, IntakeDialog):
        if not IntakeDialog.objectName():
            IntakeDialog.setObjectName(u"IntakeDialog")
        IntakeDialog.resize(900, 720)
        self.mainLayout = QVBoxLayout(IntakeDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.generalMessage = QLabel(IntakeDialog)
        self.generalMessage.setObjectName(u"generalMessage")
        self.generalMessage.setWordWrap(True)

        self.mainLayout.addWidget(self.generalMessage)

        self.bodyScroll = ScrollingBody(IntakeDialog)
        self.bodyScroll.setObjectName(u"bodyScroll")
        self.bodyScroll.setFrameShape(QFrame.NoFrame)
        self.bodyScroll.setWidgetResizable(True)
        self.body = QWidget()
        self.body.setObjectName(u"body")
        self.bodyLayout = QVBoxLayout(self.body)
        self.bodyLayout.setObjectName(u"bodyLayout")
        self.bodyLayout.setContentsMargins(0, 0, 0, 0)
        self.caseBox = QGroupBox(self.body)
        self.caseBox.setObjectName(u"caseBox")
        self.caseGrid = QGridLayout(self.caseBox)
        self.caseGrid.setObjectName(u"caseGrid")
        self.receivedOnLabel = QLabel(self.caseBox)
        self.receivedOnLabel.setObjectName(u"receivedOnLabel")
        self.receivedOnLabel.setAlignment(Qt.AlignRight|Qt.AlignTrailing|Qt.AlignVCenter)

        self.caseGrid.addWidget(self.receivedOnLabel, 0, 0, 1, 1)

        self.receivedOn = DateEdit(self.caseBox)
        self.receivedOn.setObjectName(u"receivedOn")
        self.receivedOn.setCalendarPopup(True)

        self.caseGrid.addWidget(self.receivedOn, 0, 1, 1, 1)

        self.receivedOnError = QLabel(self.caseBox)
        self.receivedOnError.setObjectName(u"receivedOnError")
        self.receivedOnError.setWordWrap(True)

        self.caseGrid.addWidget(self.receivedOnError, 1, 1, 1, 1)

        self.sourceLabel = QLabel(self.caseBox)
        self.sourceLabel.setObjectName(u"sourceLabel")
        self.sourceLabel.setAlignment(Qt.AlignRight|Qt.AlignTrailing|Qt.AlignVCenter)

        self.caseGrid.addWidget(self.sourceLabel, 2, 0, 1, 1)

        self.sourceLayout = QHBoxLayout()
        self.sourceLayout.setObjectName(u"sourceLayout")
        self.source = QComboBox(self.caseBox)
        self.source.setObjectName(u"source")

        self.sourceLayout.addWidget(self.source)

        self.simpleProcedure = QCheckBox(self.caseBox)
        self.simpleProcedure.setObjectName(u"simpleProcedure")

        self.sourceLayout.addWidget(self.simpleProcedure)

        self.sourceSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.sourceLayout.addItem(self.sourceSpacer)


        self.caseGrid.addLayout(self.sourceLayout, 2, 1, 1, 1)

        self.sourceError = QLabel(self.caseBox)
        self.sourceError.setObjectName(u"sourceError")
        self.sourceError.setWordWrap(True)

        self.caseGrid.addWidget(self.sourceError, 3, 1, 1, 1)

        self.disputeTypeLabel = QLabel(self.caseBox)
        self.disputeTypeLabel.setObjectName(u"disputeTypeLabel")
        self.disputeTypeLabel.setAlignment(Qt.AlignRight|Qt.AlignTrailing|Qt.AlignVCenter)

        self.caseGrid.addWidget(self.disputeTypeLabel, 4, 0, 1, 1)

        self.disputeType = QComboBox(self.caseBox)
        self.disputeType.setObjectName(u"disputeType")

        self.caseGrid.addWidget(self.disputeType, 4, 1, 1, 1)

        self.disputeTypeError = QLabel(self.caseBox)
        self.disputeTypeError.setObjectName(u"disputeTypeError")
        self.disputeTypeError.setWordWrap(True)

        self.caseGrid.addWidget(self.disputeTypeError, 5, 1, 1, 1)

        self.titleLabel = QLabel(self.caseBox)
        self.titleLabel.setObjectName(u"titleLabel")
        self.titleLabel.setAlignment(Qt.AlignRight|Qt.AlignTrailing|Qt.AlignVCenter)

        self.caseGrid.addWidget(self.titleLabel, 6, 0, 1, 1)

        self.title = QLineEdit(self.caseBox)
        self.title.setObjectName(u"title")

        self.caseGrid.addWidget(self.title, 6, 1, 1, 1)

        self.titleError = QLabel(self.caseBox)
        self.titleError.setObjectName(u"titleError")
        self.titleError.setWordWrap(True)

        self.caseGrid.addWidget(self.titleError, 7, 1, 1, 1)

        self.summaryLabel = QLabel(self.caseBox)
        self.summaryLabel.setObjectName(u"summaryLabel")
        self.summaryLabel.setAlignment(Qt.AlignRight|Qt.AlignTrailing|Qt.AlignVCenter)

        self.caseGrid.addWidget(self.summaryLabel, 8, 0, 1, 1)

        self.summary = QPlainTextEdit(self.caseBox)
        self.summary.setObjectName(u"summary")
        self.summary.setTabChangesFocus(True)
        self.summary.setMinimumSize(QSize(0, 90))

        self.caseGrid.addWidget(self.summary, 8, 1, 1, 1)

        self.summaryError = QLabel(self.caseBox)
        self.summaryError.setObjectName(u"summaryError")
        self.summaryError.setWordWrap(True)

        self.caseGrid.addWidget(self.summaryError, 9, 1, 1, 1)

        self.requestsLabel = QLabel(self.caseBox)
        self.requestsLabel.setObjectName(u"requestsLabel")
        self.requestsLabel.setAlignment(Qt.AlignRight|Qt.AlignTrailing|Qt.AlignVCenter)

        self.caseGrid.addWidget(self.requestsLabel, 10, 0, 1, 1)

        self.requests = QPlainTextEdit(self.caseBox)
        self.requests.setObjectName(u"requests")
        self.requests.setTabChangesFocus(True)
        self.requests.setMinimumSize(QSize(0, 60))

        self.caseGrid.addWidget(self.requests, 10, 1, 1, 1)

        self.requestsError = QLabel(self.caseBox)
        self.requestsError.setObjectName(u"requestsError")
        self.requestsError.setWordWrap(True)

        self.caseGrid.addWidget(self.requestsError, 11, 1, 1, 1)

        self.riskLevelLabel = QLabel(self.caseBox)
        self.riskLevelLabel.setObjectName(u"riskLevelLabel")
        self.riskLevelLabel.setAlignment(Qt.AlignRight|Qt.AlignTrailing|Qt.AlignVCenter)

        self.caseGrid.addWidget(self.riskLevelLabel, 12, 0, 1, 1)

        self.riskLayout = QHBoxLayout()
        self.riskLayout.setObjectName(u"riskLayout")
        self.riskLevel = QComboBox(self.caseBox)
        self.riskLevel.setObjectName(u"riskLevel")

        self.riskLayout.addWidget(self.riskLevel)

        self.riskReportedToLabel = QLabel(self.caseBox)
        self.riskReportedToLabel.setObjectName(u"riskReportedToLabel")

        self.riskLayout.addWidget(self.riskReportedToLabel)

        self.riskReportedTo = QLineEdit(self.caseBox)
        self.riskReportedTo.setObjectName(u"riskReportedTo")

        self.riskLayout.addWidget(self.riskReportedTo)


        self.caseGrid.addLayout(self.riskLayout, 12, 1, 1, 1)

        self.riskLevelError = QLabel(self.caseBox)
        self.riskLevelError.setObjectName(u"riskLevelError")
        self.riskLevelError.setWordWrap(True)

        self.caseGrid.addWidget(self.riskLevelError, 13, 1, 1, 1)

        self.mediatorListLabel = QLabel(self.caseBox)
        self.mediatorListLabel.setObjectName(u"mediatorListLabel")
        self.mediatorListLabel.setAlignment(Qt.AlignRight|Qt.AlignTrailing|Qt.AlignVCenter)

        self.caseGrid.addWidget(self.mediatorListLabel, 14, 0, 1, 1)

        self.mediatorList = QListWidget(self.caseBox)
        self.mediatorList.setObjectName(u"mediatorList")
        self.mediatorList.setMaximumSize(QSize(16777215, 110))

        self.caseGrid.addWidget(self.mediatorList, 14, 1, 1, 1)

        self.mediatorListError = QLabel(self.caseBox)
        self.mediatorListError.setObjectName(u"mediatorListError")
        self.mediatorListError.setWordWrap(True)

        self.caseGrid.addWidget(self.mediatorListError, 15, 1, 1, 1)

        self.recorderLabel = QLabel(self.caseBox)
        self.recorderLabel.setObjectName(u"recorderLabel")
        self.recorderLabel.setAlignment(Qt.AlignRight|Qt.AlignTrailing|Qt.AlignVCenter)

        self.caseGrid.addWidget(self.recorderLabel, 16, 0, 1, 1)

        self.recorder = QLineEdit(self.caseBox)
        self.recorder.setObjectName(u"recorder")

        self.caseGrid.addWidget(self.recorder, 16, 1, 1, 1)

        self.recorderError = QLabel(self.caseBox)
        self.recorderError.setObjectName(u"recorderError")
        self.recorderError.setWordWrap(True)

        self.caseGrid.addWidget(self.recorderError, 17, 1, 1, 1)


        self.bodyLayout.addWidget(self.caseBox)

        self.partiesBox = QGroupBox(self.body)
        self.partiesBox.setObjectName(u"partiesBox")
        self.partiesGrid = QGridLayout(self.partiesBox)
        self.partiesGrid.setObjectName(u"partiesGrid")
        self.partiesTable = QTableWidget(self.partiesBox)
        self.partiesTable.setObjectName(u"partiesTable")
        self.partiesTable.setMinimumSize(QSize(0, 150))

        self.partiesGrid.addWidget(self.partiesTable, 0, 0, 1, 1)

        self.partyButtons = QVBoxLayout()
        self.partyButtons.setObjectName(u"partyButtons")
        self.addPersonButton = QPushButton(self.partiesBox)
        self.addPersonButton.setObjectName(u"addPersonButton")

        self.partyButtons.addWidget(self.addPersonButton)

        self.addOrgButton = QPushButton(self.partiesBox)
        self.addOrgButton.setObjectName(u"addOrgButton")

        self.partyButtons.addWidget(self.addOrgButton)

        self.pickKnownButton = QPushButton(self.partiesBox)
        self.pickKnownButton.setObjectName(u"pickKnownButton")

        self.partyButtons.addWidget(self.pickKnownButton)

        self.editPartyButton = QPushButton(self.partiesBox)
        self.editPartyButton.setObjectName(u"editPartyButton")

        self.partyButtons.addWidget(self.editPartyButton)

        self.removePartyButton = QPushButton(self.partiesBox)
        self.removePartyButton.setObjectName(u"removePartyButton")

        self.partyButtons.addWidget(self.removePartyButton)

        self.moveUpButton = QPushButton(self.partiesBox)
        self.moveUpButton.setObjectName(u"moveUpButton")

        self.partyButtons.addWidget(self.moveUpButton)

        self.moveDownButton = QPushButton(self.partiesBox)
        self.moveDownButton.setObjectName(u"moveDownButton")

        self.partyButtons.addWidget(self.moveDownButton)

        self.partyButtonsSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.partyButtons.addItem(self.partyButtonsSpacer)


        self.partiesGrid.addLayout(self.partyButtons, 0, 1, 1, 1)

        self.partiesError = QLabel(self.partiesBox)
        self.partiesError.setObjectName(u"partiesError")
        self.partiesError.setWordWrap(True)

        self.partiesGrid.addWidget(self.partiesError, 1, 0, 1, 2)


        self.bodyLayout.addWidget(self.partiesBox)

        self.bodyScroll.setWidget(self.body)

        self.mainLayout.addWidget(self.bodyScroll)

        self.buttonBox = QDialogButtonBox(IntakeDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.Cancel|QDialogButtonBox.Save)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.receivedOnLabel.setBuddy(self.receivedOn)
        self.sourceLabel.setBuddy(self.source)
        self.disputeTypeLabel.setBuddy(self.disputeType)
        self.titleLabel.setBuddy(self.title)
        self.summaryLabel.setBuddy(self.summary)
        self.requestsLabel.setBuddy(self.requests)
        self.riskLevelLabel.setBuddy(self.riskLevel)
        self.mediatorListLabel.setBuddy(self.mediatorList)
        self.recorderLabel.setBuddy(self.recorder)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.receivedOn, self.source)
        QWidget.setTabOrder(self.source, self.simpleProcedure)
        QWidget.setTabOrder(self.simpleProcedure, self.disputeType)
        QWidget.setTabOrder(self.disputeType, self.title)
        QWidget.setTabOrder(self.title, self.summary)
        QWidget.setTabOrder(self.summary, self.requests)
        QWidget.setTabOrder(self.requests, self.riskLevel)
        QWidget.setTabOrder(self.riskLevel, self.riskReportedTo)
        QWidget.setTabOrder(self.riskReportedTo, self.mediatorList)
        QWidget.setTabOrder(self.mediatorList, self.recorder)
        QWidget.setTabOrder(self.recorder, self.partiesTable)
        QWidget.setTabOrder(self.partiesTable, self.addPersonButton)
        QWidget.setTabOrder(self.addPersonButton, self.addOrgButton)
        QWidget.setTabOrder(self.addOrgButton, self.pickKnownButton)
        QWidget.setTabOrder(self.pickKnownButton, self.editPartyButton)
        QWidget.setTabOrder(self.editPartyButton, self.removePartyButton)
        QWidget.setTabOrder(self.removePartyButton, self.moveUpButton)
        QWidget.setTabOrder(self.moveUpButton, self.moveDownButton)

        self.retranslateUi(IntakeDialog)

        QMetaObject.connectSlotsByName(IntakeDialog)
    # setupUi

    def retranslateUi(self, IntakeDialog):
        IntakeDialog.setWindowTitle(QCoreApplication.translate("IntakeDialog", u"\u53d7\u7406\u767b\u8bb0", None))
        self.generalMessage.setText("")
        self.caseBox.setTitle(QCoreApplication.translate("IntakeDialog", u"\u6848\u4ef6\u4fe1\u606f", None))
        self.receivedOnLabel.setText(QCoreApplication.translate("IntakeDialog", u"\u53d7\u7406\u65e5\u671f(&D)\uff1a", None))
        self.receivedOn.setDisplayFormat(QCoreApplication.translate("IntakeDialog", u"yyyy\u5e74M\u6708d\u65e5", None))
        self.receivedOnError.setText("")
        self.sourceLabel.setText(QCoreApplication.translate("IntakeDialog", u"\u6848\u4ef6\u6765\u6e90(&Y)\uff1a", None))
        self.simpleProcedure.setText(QCoreApplication.translate("IntakeDialog", u"\u9002\u7528\u7b80\u6613\u7a0b\u5e8f\uff08\u59d4\u6258\u8c03\u89e37\u65e5\uff09", None))
#if QT_CONFIG(tooltip)
        self.simpleProcedure.setToolTip(QCoreApplication.translate("IntakeDialog", u"\u6cd5\u9662\u59d4\u6258\u8c03\u89e3\u7684\u6848\u4ef6\u9002\u7528\u7b80\u6613\u7a0b\u5e8f\u7684\uff0c\u8c03\u89e3\u671f\u9650\u4e3a7\u65e5\uff0c\u5426\u5219\u4e3a15\u65e5", None))
#endif // QT_CONFIG(tooltip)
        self.sourceError.setText("")
        self.disputeTypeLabel.setText(QCoreApplication.translate("IntakeDialog", u"\u7ea0\u7eb7\u7c7b\u578b(&T)\uff1a", None))
        self.disputeTypeError.setText("")
        self.titleLabel.setText(QCoreApplication.translate("IntakeDialog", u"\u6848\u4ef6\u540d\u79f0(&M)\uff1a", None))
        self.title.setPlaceholderText(QCoreApplication.translate("IntakeDialog", u"\u53ef\u4e0d\u586b\uff0c\u5982\uff1a\u5f20\u67d0\u4e0e\u674e\u67d0\u76f8\u90bb\u901a\u884c\u7ea0\u7eb7", None))
        self.titleError.setText("")
        self.summaryLabel.setText(QCoreApplication.translate("IntakeDialog", u"\u7ea0\u7eb7\u7b80\u8981\u60c5\u51b5(&J)\uff1a", None))
        self.summary.setPlaceholderText(QCoreApplication.translate("IntakeDialog", u"\u5199\u660e\u7ea0\u7eb7\u53d1\u751f\u7684\u65f6\u95f4\u3001\u5730\u70b9\u3001\u7ecf\u8fc7\u548c\u53cc\u65b9\u7684\u4e3b\u8981\u5206\u6b67", None))
        self.summaryError.setText("")
        self.requestsLabel.setText(QCoreApplication.translate("IntakeDialog", u"\u7533\u8bf7\u4e8b\u9879(&Q)\uff1a", None))
        self.requests.setPlaceholderText(QCoreApplication.translate("IntakeDialog", u"\u6bcf\u884c\u5199\u4e00\u9879\uff0c\u5982\uff1a\u8d54\u507f\u5899\u4f53\u4fee\u7f2e\u8d39\u7528", None))
        self.requestsError.setText("")
        self.riskLevelLabel.setText(QCoreApplication.translate("IntakeDialog", u"\u98ce\u9669\u7b49\u7ea7(&R)\uff1a", None))
        self.riskReportedToLabel.setText(QCoreApplication.translate("IntakeDialog", u"\u5df2\u62a5\u544a\uff1a", None))
        self.riskReportedTo.setPlaceholderText(QCoreApplication.translate("IntakeDialog", u"\u62a5\u544a\u7684\u5355\u4f4d\uff0c\u5982 \u9f99\u95e8\u6d3e\u51fa\u6240", None))
        self.riskLevelError.setText("")
        self.mediatorListLabel.setText(QCoreApplication.translate("IntakeDialog", u"\u8c03\u89e3\u5458(&E)\uff1a", None))
#if QT_CONFIG(tooltip)
        self.mediatorList.setToolTip(QCoreApplication.translate("IntakeDialog", u"\u52fe\u9009\u672c\u6848\u7684\u8c03\u89e3\u5458\uff1b\u7b2c\u4e00\u4f4d\u52fe\u9009\u7684\u4e3a\u4e3b\u6301\u8c03\u89e3\u5458", None))
#endif // QT_CONFIG(tooltip)
        self.mediatorListError.setText("")
        self.recorderLabel.setText(QCoreApplication.translate("IntakeDialog", u"\u8bb0\u5f55\u4eba(&L)\uff1a", None))
        self.recorderError.setText("")
        self.partiesBox.setTitle(QCoreApplication.translate("IntakeDialog", u"\u5f53\u4e8b\u4eba", None))
        self.addPersonButton.setText(QCoreApplication.translate("IntakeDialog", u"\u6dfb\u52a0\u4e2a\u4eba(&P)", None))
        self.addOrgButton.setText(QCoreApplication.translate("IntakeDialog", u"\u6dfb\u52a0\u5355\u4f4d(&O)", None))
        self.pickKnownButton.setText(QCoreApplication.translate("IntakeDialog", u"\u4ece\u4ee5\u5f80\u6848\u4ef6\u9009\u53d6(&K)", None))
        self.editPartyButton.setText(QCoreApplication.translate("IntakeDialog", u"\u4fee\u6539(&X)", None))
        self.removePartyButton.setText(QCoreApplication.translate("IntakeDialog", u"\u5220\u9664", None))
        self.moveUpButton.setText(QCoreApplication.translate("IntakeDialog", u"\u4e0a\u79fb", None))
        self.moveDownButton.setText(QCoreApplication.translate("IntakeDialog", u"\u4e0b\u79fb", None))
        self.partiesError.setText("")
    # retranslateUi

