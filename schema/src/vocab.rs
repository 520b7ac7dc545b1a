//! Controlled vocabularies.
//!
//! Every code list the platform knows is declared once here, with its stable code (used in seed
//! files, the GraphQL enum, the store and the search index alike) and its English label. The
//! `taxonomy(lang)` query serves these lists; widgets read their labels from there.

use serde::{Deserialize, Serialize};

/// The six official UN languages, in which code-list labels are served.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Arabic
    #[graphql(name = "AR")]
    Ar,
    /// Chinese
    #[graphql(name = "ZH")]
    Zh,
    /// English
    #[graphql(name = "EN")]
    En,
    /// French
    #[graphql(name = "FR")]
    Fr,
    /// Russian
    #[graphql(name = "RU")]
    Ru,
    /// Spanish
    #[graphql(name = "ES")]
    Es,
}

impl Lang {
    /// The six UN languages.
    pub const ALL: [Lang; 6] = [Lang::Ar, Lang::Zh, Lang::En, Lang::Fr, Lang::Ru, Lang::Es];

    /// Parses a BCP 47 tag such as `fr`, `fr-CA` or `zh-Hans` to its UN language, if it is one.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        Some(match primary.as_str() {
            "ar" => Lang::Ar,
            "zh" => Lang::Zh,
            "en" => Lang::En,
            "fr" => Lang::Fr,
            "ru" => Lang::Ru,
            "es" => Lang::Es,
            _ => return None,
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::Zh => "zh",
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Ru => "ru",
            Lang::Es => "es",
        }
    }
}

/// What every code list can tell about itself.
pub trait Vocabulary: Copy + Sized + 'static {
    /// The list's name in `taxonomy` answers, e.g. `forms`.
    const NAME: &'static str;
    /// What the list classifies, in one sentence.
    const DESCRIPTION: &'static str;
    fn all() -> &'static [Self];
    /// The stable code, e.g. `FORCED_LABOUR`.
    fn code(self) -> &'static str;
    /// The human label in `lang`; English where no translation exists yet.
    fn label(self, lang: Lang) -> &'static str;
    fn from_code(code: &str) -> Option<Self> {
        Self::all().iter().copied().find(|v| v.code() == code)
    }
}

macro_rules! vocabulary {
    (
        $(#[doc = $doc:literal])*
        $name:ident, $list:literal {
            $( $variant:ident = $code:literal => $label:literal ),+ $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(
                #[doc = $label]
                #[serde(rename = $code)]
                #[graphql(name = $code)]
                $variant,
            )+
        }

        impl Vocabulary for $name {
            const NAME: &'static str = $list;
            const DESCRIPTION: &'static str = concat!($($doc),*);
            fn all() -> &'static [Self] {
                &[$($name::$variant),+]
            }
            fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            fn label(self, lang: Lang) -> &'static str {
                let english = match self { $($name::$variant => $label),+ };
                crate::i18n::label($list, self.code(), lang).unwrap_or(english)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

vocabulary! {
    /// Forms of exploitation named in the Trafficking in Persons Protocol, ILO conventions and national laws.
    TraffickingForm, "forms" {
        SexualExploitation = "SEXUAL_EXPLOITATION" => "Sexual exploitation",
        ForcedLabour = "FORCED_LABOUR" => "Forced labour",
        ForcedMarriage = "FORCED_MARRIAGE" => "Forced marriage, including child marriage",
        OrganRemoval = "ORGAN_REMOVAL" => "Removal of organs",
        ForcedCriminality = "FORCED_CRIMINALITY" => "Forced criminality",
        ForcedBegging = "FORCED_BEGGING" => "Forced begging",
        DomesticServitude = "DOMESTIC_SERVITUDE" => "Domestic servitude",
        ChildSoldiers = "CHILD_SOLDIERS" => "Recruitment of children by armed forces or groups",
        OnlineExploitation = "ONLINE_EXPLOITATION" => "Online and technology-facilitated exploitation",
        SlaveryAndServitude = "SLAVERY_AND_SERVITUDE" => "Slavery, servitude and slavery-like practices",
        DebtBondage = "DEBT_BONDAGE" => "Debt bondage",
        IllegalAdoption = "ILLEGAL_ADOPTION" => "Illegal adoption for exploitation",
    }
}

vocabulary! {
    /// Groups of people a law, practice or case is aimed at or concerns.
    TargetGroup, "targetGroups" {
        Women = "WOMEN" => "Women",
        Girls = "GIRLS" => "Girls",
        Boys = "BOYS" => "Boys",
        Men = "MEN" => "Men",
        Children = "CHILDREN" => "Children",
        Migrants = "MIGRANTS" => "Migrants",
        Refugees = "REFUGEES" => "Refugees and asylum seekers",
        InternallyDisplaced = "INTERNALLY_DISPLACED" => "Internally displaced persons",
        PersonsWithDisabilities = "PERSONS_WITH_DISABILITIES" => "Persons with disabilities",
        IndigenousPeoples = "INDIGENOUS_PEOPLES" => "Indigenous peoples",
        Lgbtqi = "LGBTQI" => "LGBTQI+ persons",
        Workers = "WORKERS" => "Workers",
        Businesses = "BUSINESSES" => "Businesses and employers",
        FrontlineProfessionals = "FRONTLINE_PROFESSIONALS" => "Frontline professionals (police, inspectors, health, judiciary)",
        GeneralPublic = "GENERAL_PUBLIC" => "General public",
        Survivors = "SURVIVORS" => "Survivors of trafficking",
    }
}

vocabulary! {
    /// Economic sectors, close to ISIC sections, where exploitation happens.
    Sector, "sectors" {
        Agriculture = "AGRICULTURE" => "Agriculture",
        Fishing = "FISHING" => "Fishing and seafood",
        Construction = "CONSTRUCTION" => "Construction",
        DomesticWork = "DOMESTIC_WORK" => "Domestic work",
        GarmentsTextiles = "GARMENTS_TEXTILES" => "Garments and textiles",
        IctElectronics = "ICT_ELECTRONICS" => "ICT and electronics",
        Mining = "MINING" => "Mining",
        Hospitality = "HOSPITALITY" => "Hospitality",
        Manufacturing = "MANUFACTURING" => "Manufacturing",
        FinancialServices = "FINANCIAL_SERVICES" => "Financial services",
        OnlinePlatforms = "ONLINE_PLATFORMS" => "Online platforms",
        SexIndustry = "SEX_INDUSTRY" => "Sex industry",
    }
}

vocabulary! {
    /// The "4P" pillars of anti-trafficking action.
    Pillar, "pillars" {
        Prevention = "PREVENTION" => "Prevention",
        Protection = "PROTECTION" => "Protection",
        Prosecution = "PROSECUTION" => "Prosecution",
        Partnership = "PARTNERSHIP" => "Partnership",
    }
}

vocabulary! {
    /// Sustainable Development Goal targets that name trafficking.
    SdgTarget, "sdgTargets" {
        Sdg5_2 = "SDG_5_2" => "SDG 5.2: eliminate violence against women and girls, including trafficking",
        Sdg8_7 = "SDG_8_7" => "SDG 8.7: end forced labour, modern slavery, human trafficking and child labour",
        Sdg16_2 = "SDG_16_2" => "SDG 16.2: end abuse, exploitation and trafficking of children",
    }
}

vocabulary! {
    /// Key provisions a law contains.
    Provision, "provisions" {
        Criminalisation = "CRIMINALISATION" => "Criminalises trafficking and sets penalties",
        NonPunishment = "NON_PUNISHMENT" => "Non-punishment of victims for offences they were compelled to commit",
        VictimAssistance = "VICTIM_ASSISTANCE" => "Assistance and support for victims",
        ResidencePermit = "RESIDENCE_PERMIT" => "Residence permits or status for foreign victims",
        Compensation = "COMPENSATION" => "Compensation or restitution for victims",
        SupplyChainReporting = "SUPPLY_CHAIN_REPORTING" => "Supply-chain reporting or due diligence duties for businesses",
        NationalCoordination = "NATIONAL_COORDINATION" => "National coordinating body, rapporteur or action plan",
        ExtraterritorialJurisdiction = "EXTRATERRITORIAL_JURISDICTION" => "Extraterritorial jurisdiction",
        AssetConfiscation = "ASSET_CONFISCATION" => "Confiscation of traffickers' assets",
        ChildProtection = "CHILD_PROTECTION" => "Specific protection for child victims",
    }
}

vocabulary! {
    /// The legal form of a law.
    LawInstrumentType, "lawInstrumentTypes" {
        Statute = "STATUTE" => "Statute (act of parliament)",
        CodeProvision = "CODE_PROVISION" => "Provision of a criminal or other code",
        Decree = "DECREE" => "Decree",
        OrganicLaw = "ORGANIC_LAW" => "Organic law",
        Ordinance = "ORDINANCE" => "Ordinance",
        Regulation = "REGULATION" => "Regulation",
    }
}

vocabulary! {
    /// The kind of organisation leading a practice.
    OrganisationType, "organisationTypes" {
        Government = "GOVERNMENT" => "Government",
        Un = "UN" => "United Nations entity",
        Intergovernmental = "INTERGOVERNMENTAL" => "Other intergovernmental organisation",
        Ngo = "NGO" => "Non-governmental organisation",
        Business = "BUSINESS" => "Business",
        MultiStakeholder = "MULTI_STAKEHOLDER" => "Multi-stakeholder partnership",
    }
}

vocabulary! {
    /// What kind of success a case records.
    CaseType, "caseTypes" {
        Prosecution = "PROSECUTION" => "Prosecution and conviction",
        RegionalCourtJudgment = "REGIONAL_COURT_JUDGMENT" => "Regional human-rights court judgment",
        NationalCourtJudgment = "NATIONAL_COURT_JUDGMENT" => "National court judgment",
        VictimIdentificationOperation = "VICTIM_IDENTIFICATION_OPERATION" => "Victim identification operation",
        FinancialInvestigation = "FINANCIAL_INVESTIGATION" => "Financial investigation or asset confiscation",
        SupplyChainRemediation = "SUPPLY_CHAIN_REMEDIATION" => "Supply-chain remediation",
        CivilLitigation = "CIVIL_LITIGATION" => "Civil litigation or settlement",
    }
}

vocabulary! {
    /// How a practice's results were established.
    EvaluationDesign, "evaluationDesigns" {
        NotReported = "NOT_REPORTED" => "No evaluation reported",
        MonitoringData = "MONITORING_DATA" => "Monitoring data reported by the implementer",
        ExternalEvaluation = "EXTERNAL_EVALUATION" => "Independent external evaluation",
        QuasiExperimental = "QUASI_EXPERIMENTAL" => "Quasi-experimental evaluation",
        RandomisedTrial = "RANDOMISED_TRIAL" => "Randomised controlled trial",
    }
}

vocabulary! {
    /// Whether an evaluation found the practice met its objectives.
    ObjectivesMet, "objectivesMet" {
        Yes = "YES" => "Objectives met",
        Partly = "PARTLY" => "Objectives partly met",
        No = "NO" => "Objectives not met",
        Unknown = "UNKNOWN" => "Not known",
    }
}

vocabulary! {
    /// The publication state of a record; only published records are public.
    RecordStatus, "recordStatuses" {
        Draft = "DRAFT" => "Draft",
        Submitted = "SUBMITTED" => "Submitted for review",
        Published = "PUBLISHED" => "Published",
        Retracted = "RETRACTED" => "Retracted",
    }
}

vocabulary! {
    /// The three kinds of record the platform shares.
    RecordKind, "recordKinds" {
        Law = "LAW" => "Law",
        Practice = "PRACTICE" => "Prevention or protection practice",
        Case = "CASE" => "Successful case",
    }
}

vocabulary! {
    /// A state's standing at the United Nations.
    UnStatus, "unStatuses" {
        Member = "MEMBER" => "UN member state",
        Observer = "OBSERVER" => "UN non-member observer state",
        NonMember = "NON_MEMBER" => "Territory or area, not a UN member",
    }
}

vocabulary! {
    /// The level of a UN M49 geographic area.
    RegionLevel, "regionLevels" {
        Region = "REGION" => "Region",
        SubRegion = "SUB_REGION" => "Sub-region",
        IntermediateRegion = "INTERMEDIATE_REGION" => "Intermediate region",
    }
}

vocabulary! {
    /// The kind of international instrument.
    InstrumentKind, "instrumentKinds" {
        LeagueOfNationsConvention = "LEAGUE_OF_NATIONS_CONVENTION" => "League of Nations convention",
        UnConvention = "UN_CONVENTION" => "UN convention",
        UnProtocol = "UN_PROTOCOL" => "UN protocol",
        IloConvention = "ILO_CONVENTION" => "ILO convention",
        IloProtocol = "ILO_PROTOCOL" => "ILO protocol",
        TreatyBodyRecommendation = "TREATY_BODY_RECOMMENDATION" => "Treaty body general recommendation",
        RegionalConvention = "REGIONAL_CONVENTION" => "Regional convention",
        SdgTarget = "SDG_TARGET" => "Sustainable Development Goal target",
    }
}

vocabulary! {
    /// A state's standing towards a treaty. A state with no recorded row is UNKNOWN, never NOT_PARTY.
    PartyStatus, "partyStatuses" {
        Party = "PARTY" => "Party",
        Signatory = "SIGNATORY" => "Signatory (signed, not ratified)",
        NotParty = "NOT_PARTY" => "Not a party",
        Denounced = "DENOUNCED" => "Denounced",
        Unknown = "UNKNOWN" => "Not known",
    }
}

vocabulary! {
    /// How a state became bound by a treaty.
    TreatyAction, "treatyActions" {
        Ratification = "RATIFICATION" => "Ratification",
        Accession = "ACCESSION" => "Accession",
        Acceptance = "ACCEPTANCE" => "Acceptance",
        Approval = "APPROVAL" => "Approval",
        Succession = "SUCCESSION" => "Succession",
    }
}

vocabulary! {
    /// Who published a source: the body whose act or work it is, or someone else.
    SourceKind, "sourceKinds" {
        Primary = "PRIMARY" => "Primary: the government, legislature, court, depositary or implementing organisation itself",
        Secondary = "SECONDARY" => "Secondary: a report, article or database about it",
    }
}

vocabulary! {
    /// What is known about a member state that has no law in the data.
    LawFinding, "lawFindings" {
        NoSpecificOffence = "NO_SPECIFIC_OFFENCE" => "A source says no specific anti-trafficking offence exists",
        NotIdentified = "NOT_IDENTIFIED" => "No anti-trafficking law identified in the sources read",
    }
}

vocabulary! {
    /// Sex, for aggregate outcome figures only.
    Sex, "sexes" {
        Female = "FEMALE" => "Female",
        Male = "MALE" => "Male",
        Unknown = "UNKNOWN" => "Not stated",
    }
}

vocabulary! {
    /// Age band, for aggregate outcome figures only.
    AgeBand, "ageBands" {
        Child = "CHILD" => "Child (under 18)",
        Adult = "ADULT" => "Adult",
        Unknown = "UNKNOWN" => "Not stated",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_serde_and_lookup() {
        for form in TraffickingForm::all() {
            let json = serde_json::to_string(form).unwrap();
            assert_eq!(json, format!("\"{}\"", form.code()));
            assert_eq!(TraffickingForm::from_code(form.code()), Some(*form));
        }
    }

    #[test]
    fn lang_parses_regional_tags() {
        assert_eq!(Lang::parse("fr-CA"), Some(Lang::Fr));
        assert_eq!(Lang::parse("zh_Hans"), Some(Lang::Zh));
        assert_eq!(Lang::parse("de"), None);
    }
}
