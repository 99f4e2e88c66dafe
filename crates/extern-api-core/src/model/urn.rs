//! Typed URNs: docflow and document types, statuses, success states, task states. Each has an
//! `Unknown` case that keeps the raw value, so a value the server adds tomorrow never breaks
//! decoding. Both spellings the vendor uses are read: kebab-case (`response-arrived`) and
//! camelCase (`responseArrived`), with or without the `urn:…:` prefix.

use std::fmt;

/// `responseArrived` → `response-arrived`; kebab-case stays as it is.
fn kebab(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

macro_rules! urn_enum {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(#[doc = concat!("`", $prefix, $wire, "`")] $(#[$vmeta])* $variant,)+
            /// A value this SDK does not know yet, as the server sent it.
            Unknown(String),
        }

        impl $name {
            /// The URN prefix, e.g. `urn:docflow:`.
            pub const PREFIX: &'static str = $prefix;

            /// Reads a value in any of the vendor's spellings; never fails.
            pub fn parse(value: &str) -> Self {
                let bare = value.trim().strip_prefix($prefix).unwrap_or(value.trim());
                match kebab(bare).as_str() {
                    $($wire => Self::$variant,)+
                    _ => Self::Unknown(value.to_string()),
                }
            }

            /// Every value this SDK names, without the prefix.
            pub const KNOWN: &'static [&'static str] = &[$($wire),+];

            /// The value without its URN prefix, as query parameters take it.
            pub fn name(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Unknown(raw) => raw.strip_prefix($prefix).unwrap_or(raw),
                }
            }

            /// The full URN.
            pub fn urn(&self) -> String {
                match self {
                    Self::Unknown(raw) if raw.starts_with("urn:") => raw.clone(),
                    other => format!("{}{}", $prefix, other.name()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.urn())
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::parse(value)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.urn())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Ok(Self::parse(&s))
            }
        }
    };
}

urn_enum!(
    /// `urn:docflow-common-status:…`
    DocflowStatus, "urn:docflow-common-status:", {
        Sent => "sent",
        Delivered => "delivered",
        ResponseArrived => "response-arrived",
        ResponseProcessed => "response-processed",
        Finished => "finished",
        Received => "received",
        Arrived => "arrived",
        Processed => "processed",
    }
);

urn_enum!(
    /// `urn:docflow-state:…`: how the docflow went.
    SuccessState, "urn:docflow-state:", {
        /// Still in progress.
        Neutral => "neutral",
        Successful => "successful",
        /// Refused or in error: send again.
        Failed => "failed",
        /// Accepted with remarks (a precise notice).
        Warning => "warning",
    }
);

urn_enum!(
    /// `urn:docflow:…`: FNS, Rosstat, and every Social Fund (SFR, FSS, SEDO) and PFR docflow type
    /// the C# SDK names (its summaries are the doc comments).
    DocflowType, "urn:docflow:", {
        Fns534Report => "fns534-report",
        Fns534Demand => "fns534-demand",
        Fns534Inventory => "fns534-inventory",
        Fns534Letter => "fns534-letter",
        Fns534CuLetter => "fns534-cu-letter",
        Fns534Submission => "fns534-submission",
        Fns534Ion => "fns534-ion",
        Fns534Application => "fns534-application",
        StatReport => "stat-report",
        StatLetter => "stat-letter",
        SfrReport => "sfr-report",
        PfrReport => "pfr-report",
        BusinessRegistration => "business-registration",
        // The C# SDK's DocflowType.Fss.cs (303ec1b).
        /// Расчет по форме 4-ФСС
        FssReport => "fss-report",
        /// Подтверждение основного вида экономической деятельности
        OvedConfirmation => "oved-confirmation",
        /// Листки нетрудоспособности ФСС
        FssSickReport => "fss-sick-report",
        /// Уведомления об изменении статуса электронного больничного листа
        FssSedoSickReportChangeNotification => "fss-sedo-sick-report-change-notification",
        /// Извещение о прямых выплатах мер социального обеспечения
        FssSedoPvsoNotification => "fss-sedo-pvso-notification",
        /// Сообщения об ошибках в документообортах ФСС через СЭДО
        FssSedoError => "fss-sedo-error",
        /// Подписка страхователя на документооборот с ФСС
        FssSedoAbonentSubscription => "fss-sedo-abonent-subscription",
        /// Подписка оператора на документооборот с ФСС по абоненту
        FssSedoProviderSubscription => "fss-sedo-provider-subscription",
        /// Результат приема подписки страхователя
        FssSedoAbonentSubscriptionResult => "fss-sedo-abonent-subscription-result",
        /// Запрос недостающих сведений для назначения пособия ФСС
        FssSedoProactivePaymentsDemand => "fss-sedo-proactive-payments-demand",
        /// Сведения для назначения пособия ФСС
        FssSedoProactivePaymentsReply => "fss-sedo-proactive-payments-reply",
        /// Результат обработки сведений для назначения пособия ФСС
        FssSedoProactivePaymentsReplyResult => "fss-sedo-proactive-payments-reply-result",
        /// Выплата пособия ФСС
        FssSedoProactivePaymentsBenefit => "fss-sedo-proactive-payments-benefit",
        /// Регистрация сведений о застрахованном лице ФСС
        FssSedoInsuredPersonRegistration => "fss-sedo-insured-person-registration",
        /// Результат регистрации сведений о застрахованном лице ФСС
        FssSedoInsuredPersonRegistrationResult => "fss-sedo-insured-person-registration-result",
        /// Информация о несоответствии сведений о застрахованном лице ФСС
        FssSedoInsuredPersonMismatch => "fss-sedo-insured-person-mismatch",
        /// Инициация выплат пособия ФСС
        FssSedoBenefitPaymentInitiation => "fss-sedo-benefit-payment-initiation",
        /// Результат инициации выплат пособия ФСС
        FssSedoBenefitPaymentInitiationResult => "fss-sedo-benefit-payment-initiation-result",
        /// Требование ФСС
        FssSedoDemand => "fss-sedo-demand",
        /// Ответ на требование ФСС
        FssSedoDemandReply => "fss-sedo-demand-reply",
        /// Запрос на формирование справки о расчетах ФСС
        FssSedoBillingInformationDemand => "fss-sedo-billing-information-demand",
        /// Справка о расчетах ФСС
        FssSedoBillingInformation => "fss-sedo-billing-information",
        /// Уведомление о прекращении отпуска по уходу за ребенком до полутора лет
        FssSedoBabyCareVacationCloseNotice => "fss-sedo-baby-care-vacation-close-notice",
        /// Заявление о возмещении расходов на оплату дополнительных выходных дней для ухода за детьми-инвалидами
        FssSedoDisabilityChildrenDemand => "fss-sedo-disability-children-demand",
        /// Уведомление о статусе выплаты пособия
        FssSedoBenefitPaymentStatusNotice => "fss-sedo-benefit-payment-status-notice",
        /// Уведомление о непоступлении ответа на запрос в срок
        FssSedoProactiveExpireNotice => "fss-sedo-proactive-expire-notice",
        /// Сведения о зарплате сотрудника
        FssSedoEmployeeSalaryInformation => "fss-sedo-employee-salary-information",
        /// Ответ страхователя на обращение СФР
        FssSedoAppealReply => "fss-sedo-appeal-reply",
        /// Обращение СФР к страхователю
        FssSedoAppeal => "fss-sedo-appeal",
        /// Подтверждение основного вида экономической деятельности на СЭДО
        FssSedoOvedConfirmation => "fss-sedo-oved-confirmation",
        // The C# SDK's DocflowType.Pfr.cs (ee66272).
        /// Тип документооборота: Письмо в ПФР Документооборот неформализованной переписки Абонента и органа ПФР
        PfrLetter => "pfr-letter",
        /// Тип документооборота: Письмо из ПФР Документооборот неформализованной переписки Абонента и органа ПФР
        PfrCuLetter => "pfr-cu-letter",
        /// Тип документооборота: Уточнение платежей Документооборот по проверке правильности и полноты уплаты Абонентом страховых взносов в орган ПФР
        PfrIos => "pfr-ios",
        /// Тип документооборота: Служебный документ ПФР Заявление на подключение к системе электронного документооборота ПФР
        PfrAncillary => "pfr-ancillary",
    }
);

urn_enum!(
    /// `urn:document:…`: the FNS and Rosstat kinds the SDK reacts to, and every Social Fund (SFR,
    /// FSS, SEDO) and PFR document type the C# SDK names (its summaries are the doc comments).
    DocumentType, "urn:document:", {
        Fns534Report => "fns534-report",
        Fns534ReportWarrant => "fns534-report-warrant",
        Fns534ReportAttachment => "fns534-report-attachment",
        Fns534ReportDescription => "fns534-report-description",
        Fns534ReportDateConfirmation => "fns534-report-date-confirmation",
        Fns534ReportReceipt => "fns534-report-receipt",
        Fns534ReportAcceptancePositive => "fns534-report-acceptance-result-positive",
        Fns534ReportAcceptanceNegative => "fns534-report-acceptance-result-negative",
        Fns534ReportProcessingOk => "fns534-report-processing-result-ok",
        Fns534ReportProcessingPrecise => "fns534-report-processing-result-precise",
        StatReport => "stat-report",
        StatReportReceipt => "stat-report-receipt",
        StatReportProtocolPositive => "stat-report-protocol-v2-positive",
        StatReportProtocolNegative => "stat-report-protocol-v2-negative",
        Error => "error",
        // The C# SDK's DocumentType.Fss.cs (04071f0).
        /// Исходный отчет с присоединенной подписью Имя (согласно нормативным документам): Файл Расчета
        FssReport => "fss-report",
        /// Подтверждение спецоператора (не утверждено форматом, формирует Контур.Экстерн при отправке из веб-приложения, юридической силы не имеет) Имя (согласно нормативным документам): нет соответствия
        FssReportDateConfirmation => "fss-report-date-confirmation",
        /// Сообщение об ошибке при проверке отчета, возможные типы указаны на Портале ФСС (ошибки на стадии криптографических проверок) Имя (согласно нормативным документам): нет соответствия
        FssReportError => "fss-report-error",
        /// Сообщение об ошибке при проверке отчета (ошибки форматно-логического контроля) Имя (согласно нормативным документам): Квитанция о получении Расчета с ошибками
        FssReportErrorReceipt => "fss-report-error-receipt",
        /// Квитанция Имя (согласно нормативным документам): Квитанция о получении Расчета
        FssReportReceipt => "fss-report-receipt",
        /// xml-файл отчета (не зашифрован и не сжат)
        OvedConfirmationRequest => "oved-confirmation-request",
        /// SOAP-сообщение с отчетом
        OvedConfirmationRequestSoapMessage => "oved-confirmation-request-soap-message",
        /// SOAP-сообщение с запросом на обновление статуса отправленного отчета
        OvedConfirmationProcessingResultRequestSoapMessage => "oved-confirmation-processing-result-request-soap-message",
        /// Результат приема
        OvedConfirmationRequestResult => "oved-confirmation-request-result",
        /// Результат обработки
        OvedConfirmationProcessingResult => "oved-confirmation-processing-result",
        /// Подписка оператора на страхователя для получения документов из СЭДО
        FssSedoProviderSubscriptionSubscribeRequestForRegistrationNumber => "fss-sedo-provider-subscription-subscribe-request-for-registration-number",
        /// Отписка оператора на страхователя для прекращения получения документов из СЭДО
        FssSedoProviderSubscriptionUnsubscribeRequestForRegistrationNumber => "fss-sedo-provider-subscription-unsubscribe-request-for-registration-number",
        /// Результат приёма запроса порталом
        FssSedoProviderSubscriptionReceipt => "fss-sedo-provider-subscription-receipt",
        /// Результат подписки оператора на страхователя
        FssSedoProviderSubscriptionSubscribeResult => "fss-sedo-provider-subscription-subscribe-result",
        /// Ошибка обработки документа (асинхронная ошибка, приходит в urn:docflow:fss-sedo-error)
        FssSedoProviderSubscriptionErrorMessage => "fss-sedo-provider-subscription-error-message",
        /// Ошибка взаимодействия с СЭДО (синхронная ошибка обработки запроса в СЭДО)
        FssSedoProviderSubscriptionExchangeError => "fss-sedo-provider-subscription-exchange-error",
        /// Подписка работника(-ов) страхователя на оповещение по изменению статуса ЭЛН
        FssSedoAbonentSubscriptionSubscribeRequestForSnils => "fss-sedo-abonent-subscription-subscribe-request-for-snils",
        /// Подписка страхователя по регистрационному номеру для получения документов из СЭДО
        FssSedoAbonentSubscriptionSubscribeRequestForRegistrationNumber => "fss-sedo-abonent-subscription-subscribe-request-for-registration-number",
        /// Отписка работника(-ов) страхователя на оповещение по изменению статуса ЭЛН
        FssSedoAbonentSubscriptionUnsubscribeRequestForSnils => "fss-sedo-abonent-subscription-unsubscribe-request-for-snils",
        /// Отписка страхователя для прекращения получения документов из СЭДО
        FssSedoAbonentSubscriptionUnsubscribeRequestForRegistrationNumber => "fss-sedo-abonent-subscription-unsubscribe-request-for-registration-number",
        /// Результат приёма запроса порталом
        FssSedoAbonentSubscriptionReceipt => "fss-sedo-abonent-subscription-receipt",
        /// Результат подписки/отписки страхователя на оповещение об ЭЛН работника
        FssSedoAbonentSubscriptionSubscribeResultForSnils => "fss-sedo-abonent-subscription-subscribe-result-for-snils",
        /// Результат подписки страхователя по регистрационному номеру
        FssSedoAbonentSubscriptionSubscribeResultForRegistrationNumber => "fss-sedo-abonent-subscription-subscribe-result-for-registration-number",
        /// Ошибка обработки документа (асинхронная ошибка, приходит в urn:docflow:fss-sedo-error)
        FssSedoAbonentSubscriptionErrorMessage => "fss-sedo-abonent-subscription-error-message",
        /// Ошибка взаимодействия с СЭДО (синхронная ошибка обработки запроса в СЭДО)
        FssSedoAbonentSubscriptionExchangeError => "fss-sedo-abonent-subscription-exchange-error",
        /// Запрос на получение результата подписки абонента
        FssSedoAbonentSubscriptionResultStatusRequestMessage => "fss-sedo-abonent-subscription-result-status-request-message",
        /// Результат подписки/отписки страхователя на оповещение об ЭЛН работника
        FssSedoAbonentSubscriptionResultSubscribeStatusForSnils => "fss-sedo-abonent-subscription-result-subscribe-status-for-snils",
        /// Результат подписки/отписки работника(-ов) страхователя на уведомления по ЭЛН
        FssSedoAbonentSubscriptionResultSubscribeStatusForRegistrationNumber => "fss-sedo-abonent-subscription-result-subscribe-status-for-registration-number",
        /// Ошибка обработки документа (асинхронная ошибка, приходит в urn:docflow:fss-sedo-error)
        FssSedoAbonentSubscriptionResultErrorMessage => "fss-sedo-abonent-subscription-result-error-message",
        /// Ошибка взаимодействия с СЭДО (синхронная ошибка обработки запроса в СЭДО)
        FssSedoAbonentSubscriptionResultExchangeError => "fss-sedo-abonent-subscription-result-exchange-error",
        /// Запрос на получение контента извещения ПВСО
        FssSedoPvsoNotificationRequestMessage => "fss-sedo-pvso-notification-request-message",
        /// Извещение ПВСО
        FssSedoPvsoNotificationNotificationMessage => "fss-sedo-pvso-notification-notification-message",
        /// Подтверждение прочтения сообщения страхователем
        FssSedoPvsoNotificationReceiptNotificationMessage => "fss-sedo-pvso-notification-receipt-notification-message",
        /// Результат подтверждения прочтения сообщения от СЭДО
        FssSedoPvsoNotificationReceiptNotificationReceiptMessage => "fss-sedo-pvso-notification-receipt-notification-receipt-message",
        /// Ошибка обработки документа (асинхронная ошибка, приходит в urn:docflow:fss-sedo-error)
        FssSedoPvsoNotificationErrorMessage => "fss-sedo-pvso-notification-error-message",
        /// Ошибка взаимодействия с СЭДО (синхронная ошибка обработки запроса в СЭДО)
        FssSedoPvsoNotificationExchangeError => "fss-sedo-pvso-notification-exchange-error",
        /// Квитанция о прочтении (используется в методе генерации ответного документа)
        FssSedoPvsoNotificationReceipt => "fss-sedo-pvso-notification-receipt",
        /// Запрос на получение контента уведомления об изменении статуса ЭЛН
        FssSedoSickReportChangeNotificationRequestMessage => "fss-sedo-sick-report-change-notification-request-message",
        /// Уведомление об изменении статуса ЭЛН
        FssSedoSickReportChangeNotificationNotificationMessage => "fss-sedo-sick-report-change-notification-notification-message",
        /// Подтверждение прочтения сообщения страхователем
        FssSedoSickReportChangeNotificationReceiptNotificationMessage => "fss-sedo-sick-report-change-notification-receipt-notification-message",
        /// Результат подтверждения прочтения сообщения от СЭДО
        FssSedoSickReportChangeNotificationReceiptNotificationReceiptMessage => "fss-sedo-sick-report-change-notification-receipt-notification-receipt-message",
        /// Ошибка обработки документа (асинхронная ошибка, приходит в urn:docflow:fss-sedo-error)
        FssSedoSickReportChangeNotificationErrorMessage => "fss-sedo-sick-report-change-notification-error-message",
        /// Ошибка взаимодействия с СЭДО (синхронная ошибка обработки запроса в СЭДО)
        FssSedoSickReportChangeNotificationExchangeError => "fss-sedo-sick-report-change-notification-exchange-error",
        /// Квитанция о прочтении (используется в методе генерации ответного документа)
        FssSedoSickReportChangeNotificationReceipt => "fss-sedo-sick-report-change-notification-receipt",
        /// Запрос на получение сообщения об ошибке
        FssSedoErrorRequestMessage => "fss-sedo-error-request-message",
        /// Ошибка взаимодействия с СЭДО (синхронная ошибка обработки запроса в СЭДО)
        FssSedoErrorExchangeError => "fss-sedo-error-exchange-error",
        /// Запрос на получение документов
        FssSedoProactivePaymentsDemandRequestMessage => "fss-sedo-proactive-payments-demand-request-message",
        /// Документ запроса
        FssSedoProactivePaymentsDemandDemandMessage => "fss-sedo-proactive-payments-demand-demand-message",
        /// Ошибка обработки
        FssSedoProactivePaymentsDemandErrorMessage => "fss-sedo-proactive-payments-demand-error-message",
        /// Ошибка взаимодействия с СЭДО
        FssSedoProactivePaymentsDemandExchangeError => "fss-sedo-proactive-payments-demand-exchange-error",
        /// Квитанция о прочтении (используется в методе генерации ответного документа)
        FssSedoProactivePaymentsDemandReceipt => "fss-sedo-proactive-payments-demand-receipt",
        /// Запрос на отправку сведений
        FssSedoProactivePaymentsReplyRequest => "fss-sedo-proactive-payments-reply-request",
        /// Результат приёма запроса порталом
        FssSedoProactivePaymentsReplyReceipt => "fss-sedo-proactive-payments-reply-receipt",
        /// Результат обработки запроса
        FssSedoProactivePaymentsReplyResponseResult => "fss-sedo-proactive-payments-reply-response-result",
        /// Ошибка обработки
        FssSedoProactivePaymentsReplyErrorMessage => "fss-sedo-proactive-payments-reply-error-message",
        /// Ошибка взаимодействия с СЭДО
        FssSedoProactivePaymentsReplyExchangeError => "fss-sedo-proactive-payments-reply-exchange-error",
        /// Квитанция о прочтении (используется в методе генерации ответного документа)
        FssSedoProactivePaymentsReplyReadReceipt => "fss-sedo-proactive-payments-reply-read-receipt",
        /// Запрос на получение документов
        FssSedoProactivePaymentsReplyResultStatusRequestMessage => "fss-sedo-proactive-payments-reply-result-status-request-message",
        /// Результат обработки запроса
        FssSedoProactivePaymentsReplyResultResponseResult => "fss-sedo-proactive-payments-reply-result-response-result",
        /// Ошибка обработки
        FssSedoProactivePaymentsReplyResultErrorMessage => "fss-sedo-proactive-payments-reply-result-error-message",
        /// Ошибка взаимодействия с СЭДО
        FssSedoProactivePaymentsReplyResultExchangeError => "fss-sedo-proactive-payments-reply-result-exchange-error",
        /// Запрос на получение документов
        FssSedoProactivePaymentsBenefitRequestMessage => "fss-sedo-proactive-payments-benefit-request-message",
        /// Документ с выплатами
        FssSedoProactivePaymentsBenefitBenefitMessage => "fss-sedo-proactive-payments-benefit-benefit-message",
        /// Ошибка обработки
        FssSedoProactivePaymentsBenefitErrorMessage => "fss-sedo-proactive-payments-benefit-error-message",
        /// Ошибка взаимодействия с СЭДО
        FssSedoProactivePaymentsBenefitExchangeError => "fss-sedo-proactive-payments-benefit-exchange-error",
        /// Квитанция о прочтении (используется в методе генерации ответного документа)
        FssSedoProactivePaymentsBenefitReceipt => "fss-sedo-proactive-payments-benefit-receipt",
        /// Запрос на отправку сообщения "Инициация выплат пособия"
        FssSedoBenefitPaymentInitiationRequest => "fss-sedo-benefit-payment-initiation-request",
        /// Результат отправки соощения на портал
        FssSedoBenefitPaymentInitiationReceptionResult => "fss-sedo-benefit-payment-initiation-reception-result",
        /// Сообщение "Результат обработки сообщения инициации выплат ФСС"
        FssSedoBenefitPaymentInitiationResultDocument => "fss-sedo-benefit-payment-initiation-result-document",
        /// Ошибка обработки
        FssSedoBenefitPaymentInitiationErrorMessage => "fss-sedo-benefit-payment-initiation-error-message",
        /// Ошибка взаимодействия с порталом СЭДО
        FssSedoBenefitPaymentInitiationExchangeError => "fss-sedo-benefit-payment-initiation-exchange-error",
        /// Квитанция о прочтении (используется в методе генерации ответного документа)
        FssSedoBenefitPaymentInitiationReadReceipt => "fss-sedo-benefit-payment-initiation-read-receipt",
        /// Запрос на получение "Результата обработки сообщения инициации выплат ФСС"
        FssSedoBenefitPaymentInitiationResultRequestMessage => "fss-sedo-benefit-payment-initiation-result-request-message",
        /// Сообщение "Результат обработки сообщения инициации выплат ФСС"
        FssSedoBenefitPaymentInitiationResultStatusDocument => "fss-sedo-benefit-payment-initiation-result-status-document",
        /// Ошибка обработки
        FssSedoBenefitPaymentInitiationResultErrorMessage => "fss-sedo-benefit-payment-initiation-result-error-message",
        /// Ошибка взаимодействия с порталом СЭДО
        FssSedoBenefitPaymentInitiationResultExchangeError => "fss-sedo-benefit-payment-initiation-result-exchange-error",
        /// Запрос на регистрацию сведений
        FssSedoInsuredPersonRegistrationRequest => "fss-sedo-insured-person-registration-request",
        /// Результат приёма запроса порталом
        FssSedoInsuredPersonRegistrationReceipt => "fss-sedo-insured-person-registration-receipt",
        /// Результат регистрации сведений
        FssSedoInsuredPersonRegistrationResponseResult => "fss-sedo-insured-person-registration-response-result",
        /// Ошибка обработки
        FssSedoInsuredPersonRegistrationErrorMessage => "fss-sedo-insured-person-registration-error-message",
        /// Ошибка взаимодействия с СЭДО
        FssSedoInsuredPersonRegistrationExchangeError => "fss-sedo-insured-person-registration-exchange-error",
        /// Квитанция о прочтении (используется в методе генерации ответного документа)
        FssSedoInsuredPersonRegistrationReadReceipt => "fss-sedo-insured-person-registration-read-receipt",
        /// Запрос на получение документов
        FssSedoInsuredPersonRegistrationResultStatusRequestMessage => "fss-sedo-insured-person-registration-result-status-request-message",
        /// Результат регистрации сведений
        FssSedoInsuredPersonRegistrationResultResponseResult => "fss-sedo-insured-person-registration-result-response-result",
        /// Ошибка обработки
        FssSedoInsuredPersonRegistrationResultErrorMessage => "fss-sedo-insured-person-registration-result-error-message",
        /// Ошибка взаимодействия с СЭДО
        FssSedoInsuredPersonRegistrationResultExchangeError => "fss-sedo-insured-person-registration-result-exchange-error",
        /// Запрос на получение документов
        FssSedoInsuredPersonMismatchRequestMessage => "fss-sedo-insured-person-mismatch-request-message",
        /// Документ с информацией
        FssSedoInsuredPersonMismatchMismatchMessage => "fss-sedo-insured-person-mismatch-mismatch-message",
        /// Ошибка обработки
        FssSedoInsuredPersonMismatchErrorMessage => "fss-sedo-insured-person-mismatch-error-message",
        /// Ошибка взаимодействия с СЭДО
        FssSedoInsuredPersonMismatchExchangeError => "fss-sedo-insured-person-mismatch-exchange-error",
        /// Квитанция о прочтении (используется в методе генерации ответного документа)
        FssSedoInsuredPersonMismatchReceipt => "fss-sedo-insured-person-mismatch-receipt",
        /// SOAP-сообщение запроса на отправку "Создание/отзыв доверенности"
        FssWarrantManagementRequestMessage => "fss-warrant-management-request-message",
        /// Исходный документ "Создание/отзыв доверенности" до момента создания SOAP-запроса
        FssWarrantManagementRequestDocument => "fss-warrant-management-request-document",
        /// Ошибка взаимодействия с порталом СЭДО
        FssWarrantManagementExchangeError => "fss-warrant-management-exchange-error",
        /// Результат отправки сообщения на портал
        FssWarrantManagementReceptionResult => "fss-warrant-management-reception-result",
        /// Ошибка обработки
        FssWarrantManagementErrorMessage => "fss-warrant-management-error-message",
        /// Сообщение "Результат создания/отзыва доверенности"
        FssWarrantManagementResponseMessage => "fss-warrant-management-response-message",
        /// Запрос на получение "Результат создания/отзыва доверенности"
        FssWarrantManagementResultRequestMessage => "fss-warrant-management-result-request-message",
        /// Сообщение "Результат создания/отзыва доверенности"
        FssWarrantManagementResultStatusDocument => "fss-warrant-management-result-status-document",
        /// Ошибка обработки
        FssWarrantManagementResultErrorMessage => "fss-warrant-management-result-error-message",
        /// Ошибка взаимодействия с порталом СЭДО
        FssWarrantManagementResultExchangeError => "fss-warrant-management-result-exchange-error",
        /// Запрос на получение документов
        FssSedoBillingInformationRequestMessage => "fss-sedo-billing-information-request-message",
        /// Документ "Справка о расчетах ФСС"
        FssSedoBillingInformationBillingInformationMessage => "fss-sedo-billing-information-billing-information-message",
        /// Ошибка взаимодействия с СЭДО
        FssSedoBillingInformationExchangeError => "fss-sedo-billing-information-exchange-error",
        /// Запрос на отправку сообщения "Запрос справки о расчетах ФСС"
        FssSedoBillingInformationDemandRequest => "fss-sedo-billing-information-demand-request",
        /// Результат отправки сообщения на портал
        FssSedoBillingInformationDemandReceptionResult => "fss-sedo-billing-information-demand-reception-result",
        /// Сообщение "Результат обработки запроса справки о расчетах ФСС"
        FssSedoBillingInformationDemandResultDocument => "fss-sedo-billing-information-demand-result-document",
        /// Ошибка взаимодействия с СЭДО
        FssSedoBillingInformationDemandExchangeError => "fss-sedo-billing-information-demand-exchange-error",
        /// Ошибка обработки
        FssSedoBillingInformationDemandErrorMessage => "fss-sedo-billing-information-demand-error-message",
        /// Документ "Справка о расчетах ФСС"
        FssSedoBillingInformationDemandBillingInformationMessage => "fss-sedo-billing-information-demand-billing-information-message",
        /// Запрос на получение "Результата обработки запроса справки о расчетах ФСС"
        FssSedoBillingInformationDemandResultRequestMessage => "fss-sedo-billing-information-demand-result-request-message",
        /// Сообщение "Результат обработки запроса справки о расчетах ФСС"
        FssSedoBillingInformationDemandResultStatusDocument => "fss-sedo-billing-information-demand-result-status-document",
        /// Ошибка взаимодействия с порталом СЭДО
        FssSedoBillingInformationDemandResultExchangeError => "fss-sedo-billing-information-demand-result-exchange-error",
        /// Запрос на получение документов
        FssSedoDemandRequestMessage => "fss-sedo-demand-request-message",
        /// Документ с требованием
        FssSedoDemandDemandMessage => "fss-sedo-demand-demand-message",
        /// Ошибка взаимодействия с СЭДО
        FssSedoDemandExchangeError => "fss-sedo-demand-exchange-error",
        /// Подтверждение прочтения сообщения
        FssSedoDemandReceiptNotificationMessage => "fss-sedo-demand-receipt-notification-message",
        /// Результат подтверждения прочтения сообщения
        FssSedoDemandReceiptNotificationReceiptMessage => "fss-sedo-demand-receipt-notification-receipt-message",
        /// Ошибка
        FssSedoDemandErrorMessage => "fss-sedo-demand-error-message",
        /// Запрос на отправку сообщения "Ответ на требование ФСС"
        FssSedoDemandReplyRequest => "fss-sedo-demand-reply-request",
        /// Результат отправки сообщения на портал
        FssSedoDemandReplyReceptionResult => "fss-sedo-demand-reply-reception-result",
        /// Сообщение "Результат обработки ответа на требование ФСС"
        FssSedoDemandReplyResultDocument => "fss-sedo-demand-reply-result-document",
        /// Ошибка взаимодействия с СЭДО
        FssSedoDemandReplyExchangeError => "fss-sedo-demand-reply-exchange-error",
        /// Ошибка обработки
        FssSedoDemandReplyErrorMessage => "fss-sedo-demand-reply-error-message",
        /// Приложение
        FssSedoDemandReplyAttachment => "fss-sedo-demand-reply-attachment",
        /// Запрос на получение "Результата обработки ответа на требование ФСС"
        FssSedoDemandReplyResultRequestMessage => "fss-sedo-demand-reply-result-request-message",
        /// Сообщение "Результат обработки ответа на требование ФСС"
        FssSedoDemandReplyResultStatusDocument => "fss-sedo-demand-reply-result-status-document",
        /// Ошибка взаимодействия с порталом СЭДО
        FssSedoDemandReplyResultExchangeError => "fss-sedo-demand-reply-result-exchange-error",
        /// Запрос на отправку сообщения "Уведомление о прекращении отпуска по уходу за ребенком до полутора лет"
        FssSedoBabyCareVacationCloseNoticeRequest => "fss-sedo-baby-care-vacation-close-notice-request",
        /// Квитанция о прочтении (используется в методе генерации ответного документа)
        FssSedoBabyCareVacationCloseNoticeReadReceipt => "fss-sedo-baby-care-vacation-close-notice-read-receipt",
        /// Результат отправки сообщения
        FssSedoBabyCareVacationCloseNoticeReceptionResult => "fss-sedo-baby-care-vacation-close-notice-reception-result",
        /// Сообщение "Уведомление о прекращении отпуска по уходу за ребенком до полутора лет"
        FssSedoBabyCareVacationCloseNoticeResultDocument => "fss-sedo-baby-care-vacation-close-notice-result-document",
        /// Ошибка обработки
        FssSedoBabyCareVacationCloseNoticeErrorMessage => "fss-sedo-baby-care-vacation-close-notice-error-message",
        /// Ошибка взаимодействия с порталом СЭДО
        FssSedoBabyCareVacationCloseNoticeExchangeError => "fss-sedo-baby-care-vacation-close-notice-exchange-error",
        /// Запрос на получение документов
        FssSedoBenefitPaymentStatusNoticeRequestMessage => "fss-sedo-benefit-payment-status-notice-request-message",
        /// Документ "Уведомление о статусе выплаты пособия"
        FssSedoBenefitPaymentStatusNoticeBenefitStatusNoticeMessage => "fss-sedo-benefit-payment-status-notice-benefit-status-notice-message",
        /// Ошибка обработки
        FssSedoBenefitPaymentStatusNoticeErrorMessage => "fss-sedo-benefit-payment-status-notice-error-message",
        /// Ошибка взаимодействия с СЭДО
        FssSedoBenefitPaymentStatusNoticeExchangeError => "fss-sedo-benefit-payment-status-notice-exchange-error",
        // The C# SDK's DocumentType.Pfr.cs (7e51cac).
        /// Пачка или пачки отчетности (установленный формат) Имя (согласно нормативным документам): Тип пачки
        PfrReport => "pfr-report",
        /// Описание передаваемых сведений (установленный формат) Имя (согласно нормативным документам): ОписаниеСведений
        PfrReportDescription => "pfr-report-description",
        /// Неформализованное приложение к сведениям Имя (согласно нормативным документам): СведенияПриложение
        PfrReportAttachment => "pfr-report-attachment",
        /// Уведомление о доставке сведений в орган ПФР (установленный формат) Имя (согласно нормативным документам): ПодтверждениеПолучения
        PfrReportAcknowledgement => "pfr-report-acknowledgement",
        /// Протокол входного контроля, содержит информацию о том, приняты отправленные сведения или нет (установленный формат) Имя (согласно нормативным документам): Протокол
        PfrReportProtocol => "pfr-report-protocol",
        /// Приложение к протоколу (обычно это результаты проверки проверочных программ ПФР) Имя (согласно нормативным документам): ПротоколПриложение
        PfrReportProtocolAppendix => "pfr-report-protocol-appendix",
        /// Описание ошибки, возникшей в ходе ДО Имя (согласно нормативным документам): описаниеОшибки
        PfrReportErrorDescription => "pfr-report-error-description",
        /// Отчет с подписью формата XMLDSig для отправки в ЭДОК Имя (согласно нормативным документам): Отчетность
        PfrReportReportV2 => "pfr-report-report-v2",
        /// Подтверждение доставки пакета в ЭДОК Имя (согласно нормативным документам): Уведомление о доставке
        PfrReportAcknowledgementV2 => "pfr-report-acknowledgement-v2",
        /// Отказ в приеме пакета по технологическим причинам Имя (согласно нормативным документам): Уведомление об отказе в приеме пакета
        PfrReportDeclineNotice => "pfr-report-decline-notice",
        /// Результат успешно пройденных проверок Имя (согласно нормативным документам): Унифицированный протокол проверок
        PfrReportProtocolCheck => "pfr-report-protocol-check",
        /// Результат выявленных ошибок при проверке отчетности Имя (согласно нормативным документам): Уведомление об устранении ошибок и (или) несоответствий
        PfrReportProtocolRefinementNotice => "pfr-report-protocol-refinement-notice",
        /// Подтверждение получения уведомления об устранении ошибок и (или) несоответствий оператором Имя (согласно нормативным документам): Уведомление о доставке
        PfrReportProtocolRefinementNoticeReceipt => "pfr-report-protocol-refinement-notice-receipt",
        /// Текст письма Имя (согласно нормативным документам): Письмо
        PfrLetter => "pfr-letter",
        /// Описание передаваемого письма (установленный формат) Имя (согласно нормативным документам): ОписаниеПисьма
        PfrLetterDescription => "pfr-letter-description",
        /// Произвольное приложение к письму Имя (согласно нормативным документам): ПисьмоПриложение
        PfrLetterAttachment => "pfr-letter-attachment",
        /// Транспортная информация о передаваемом письме (установленный формат) Имя (согласно нормативным документам): ТранспортнаяИнформация
        PfrLetterTransportInfo => "pfr-letter-transport-info",
        /// Документ, подтверждающий получение письма и приложений к нему УПФР Имя (согласно нормативным документам): ПодтверждениеПолучения
        PfrLetterLetterAcknowledgement => "pfr-letter-letter-acknowledgement",
        /// Описание ошибки, возникшей в ходе ДО Имя (согласно нормативным документам): описаниеОшибки
        PfrLetterErrorDescription => "pfr-letter-error-description",
        /// Текст письма Имя (согласно нормативным документам): Письмо
        PfrCuLetter => "pfr-cu-letter",
        /// Описание передаваемого письма (установленный формат) Имя (согласно нормативным документам): ОписаниеПисьма
        PfrCuLetterDescription => "pfr-cu-letter-description",
        /// Произвольное приложение к письму Имя (согласно нормативным документам): ПисьмоПриложение
        PfrCuLetterAttachment => "pfr-cu-letter-attachment",
        /// Транспортная информация о передаваемом письме (установленный формат) Имя (согласно нормативным документам): ТранспортнаяИнформация
        PfrCuLetterTransportInfo => "pfr-cu-letter-transport-info",
        /// Документ, подтверждающий получение письма и приложений к нему абонентом Имя (согласно нормативным документам): ПодтверждениеПолучения
        PfrCuLetterLetterAcknowledgement => "pfr-cu-letter-letter-acknowledgement",
        /// Описание ошибки, возникшей в ходе ДО Имя (согласно нормативным документам): описаниеОшибки
        PfrCuLetterErrorDescription => "pfr-cu-letter-error-description",
        /// Документ с запросом информации по платежам в орган ПФР (установленный формат) Имя (согласно нормативным документам): Запрос
        PfrIosRequest => "pfr-ios-request",
        /// Описание передаваемого запроса (установленный формат) Имя (согласно нормативным документам): ОписаниеЗапроса
        PfrIosDescription => "pfr-ios-description",
        /// Подтвержение получения запроса УПФР Имя (согласно нормативным документам): ПодтверждениеПолучения
        PfrIosRequestAcknowledgement => "pfr-ios-request-acknowledgement",
        /// Ответ на запрос информации по платежам в орган ПФР, в котором указано, удалось предоставить запрашиваемую информацию или нет Имя (согласно нормативным документам): Ответ
        PfrIosResponse => "pfr-ios-response",
        /// Приложение к документу ответ: если ответ положительный, то в нем содержится информация о платежах в орган ПФР; если ответ отрицательный, то в нем содержится описание причины, по которой не удалось предоставить запрашиваемую информацию Имя (согласно нормативным документам): ОтветПриложение
        PfrIosResponseAttachment => "pfr-ios-response-attachment",
        /// Описание ошибки, возникшей в ходе ДО Имя (согласно нормативным документам): описаниеОшибки
        PfrIosErrorDescription => "pfr-ios-error-description",
        /// Служебный документ Имя (согласно нормативным документам): Служебный документ
        PfrAncillaryDocument => "pfr-ancillary-document",
        /// Не формализованное приложение в пакете Имя (согласно нормативным документам): Приложение
        PfrAncillaryAttachment => "pfr-ancillary-attachment",
        /// Подтверждение доставки пакета в ЭДОК Имя (согласно нормативным документам): Уведомление о доставке
        PfrAncillaryDeliveryNotice => "pfr-ancillary-delivery-notice",
        /// Отказ в приеме пакета Имя (согласно нормативным документам): Уведомление об отказе в приеме пакета
        PfrAncillaryRejectionNotice => "pfr-ancillary-rejection-notice",
        /// Положительный результат рассмотрения Имя (согласно нормативным документам): Уведомление о результате рассмотрения
        PfrAncillaryReceptionResultPositive => "pfr-ancillary-reception-result-positive",
        /// Результат рассмотрения с перечнем выявленных ошибок в предоставленном документе Имя (согласно нормативным документам): Уведомление о результате рассмотрения
        PfrAncillaryReceptionResultNegative => "pfr-ancillary-reception-result-negative",
        /// Подтверждение получения результата рассмотрения оператором Имя (согласно нормативным документам): Уведомление о доставке
        PfrAncillaryReceptionResultReceipt => "pfr-ancillary-reception-result-receipt",
        // The C# SDK's DocumentType.Sfr.cs (379bf38).
        /// Отчет
        SfrReportReportDocument => "sfr-report-report-document",
        /// Описание пакета Имя (согласно нормативным документам): ОСП
        SfrReportPackageDescription => "sfr-report-package-description",
        /// Приложение
        SfrReportAttachment => "sfr-report-attachment",
        /// Уведомление о получении Имя (согласно нормативным документам): УОД
        SfrReportAcknowledgement => "sfr-report-acknowledgement",
        /// Протокол проверки Имя (согласно нормативным документам): УППО
        SfrReportProtocolCheck => "sfr-report-protocol-check",
        /// Уведомление об устранении ошибок и (или) несоответствий Имя (согласно нормативным документам): УУОН-ПУ
        SfrReportProtocolRefinementNotice => "sfr-report-protocol-refinement-notice",
        /// Уведомление об отказе в приеме пакета Имя (согласно нормативным документам): УОПП
        SfrReportDeclineNotice => "sfr-report-decline-notice",
        /// Уведомление о невозможности доставки документа Имя (согласно нормативным документам): УОНД
        SfrReportImpossibleDeliveryNotice => "sfr-report-impossible-delivery-notice",
        /// Уведомление о доставке: 1) уведомления об устранении ошибок и (или) несоответствий; 2) протокола проверок Имя (согласно нормативным документам): УОД
        SfrReportProtocolRefinementNoticeReceipt => "sfr-report-protocol-refinement-notice-receipt",
    }
);

urn_enum!(
    /// The state of a long operation (no prefix on the wire).
    TaskState, "urn:task-state:", {
        Running => "running",
        Succeed => "succeed",
        Failed => "failed",
    }
);

impl DocflowStatus {
    /// Nothing more will happen.
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Finished)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_type_reads_back_as_itself() {
        for (known, prefix, parse_name) in [
            (
                DocflowType::KNOWN,
                DocflowType::PREFIX,
                (|s: &str| {
                    let t = DocflowType::parse(s);
                    (matches!(t, DocflowType::Unknown(_)), t.name().to_string())
                }) as fn(&str) -> (bool, String),
            ),
            (DocumentType::KNOWN, DocumentType::PREFIX, |s: &str| {
                let t = DocumentType::parse(s);
                (matches!(t, DocumentType::Unknown(_)), t.name().to_string())
            }),
        ] {
            let mut seen = std::collections::HashSet::new();
            for name in known {
                assert!(seen.insert(name), "{name} is named twice");
                let (unknown, back) = parse_name(&format!("{prefix}{name}"));
                assert!(
                    !unknown && back == *name,
                    "{prefix}{name} reads back as {back}"
                );
            }
        }
    }

    #[test]
    fn social_fund_types_are_typed() {
        assert_eq!(
            DocflowType::parse("urn:docflow:fss-sedo-sick-report-change-notification"),
            DocflowType::FssSedoSickReportChangeNotification
        );
        assert_eq!(
            DocumentType::parse("urn:document:sfr-report-decline-notice"),
            DocumentType::SfrReportDeclineNotice
        );
        assert_eq!(
            DocumentType::parse("urn:document:pfr-report-report-v2"),
            DocumentType::PfrReportReportV2
        );
    }

    #[test]
    fn both_spellings_and_unknown_values() {
        assert_eq!(
            DocflowStatus::parse("urn:docflow-common-status:response-arrived"),
            DocflowStatus::ResponseArrived
        );
        assert_eq!(
            DocflowStatus::parse("responseArrived"),
            DocflowStatus::ResponseArrived
        );
        assert_eq!(
            SuccessState::parse("urn:docflow-state:warning"),
            SuccessState::Warning
        );
        let new = DocflowType::parse("urn:docflow:fss-sedo-brand-new");
        assert_eq!(
            new,
            DocflowType::Unknown("urn:docflow:fss-sedo-brand-new".into())
        );
        assert_eq!(new.name(), "fss-sedo-brand-new");
        assert_eq!(new.to_string(), "urn:docflow:fss-sedo-brand-new");
        assert_eq!(
            DocflowType::Fns534Report.to_string(),
            "urn:docflow:fns534-report"
        );
        let t: TaskState = serde_json::from_str("\"succeed\"").unwrap();
        assert_eq!(t, TaskState::Succeed);
    }
}
