"""Rendering a demo item as its platform publishes it.

oai_dc and DataCite (inside the ``oai_datacite`` wrapper DataCite's own OAI
server uses) for the OAI-PMH platforms; the ScienceDB-like and NMDC-like record
shapes of DEMO_SHAPES for the JSON ones. Access and licence are spelled the way
each community does (eu-repo access terms, SPDX, Chinese access modes), so the
mappings meet the variety they will meet in production.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape, quoteattr

from sharenet.demo.items import DemoItem
from sharenet.demo.vocab import SUBJECTS

_EU_REPO = {
    "open": "info:eu-repo/semantics/openAccess",
    "conditional": "info:eu-repo/semantics/restrictedAccess",
    "restricted": "info:eu-repo/semantics/closedAccess",
}
_ACCESS_TEXT = {
    "open": "Open Access",
    "conditional": "Restricted Access",
    "restricted": "Closed Access",
}
_SCIENCEDB_ACCESS = {"open": "公开", "conditional": "申请", "restricted": "受限"}
_NMDC_ACCESS = {"open": "open", "conditional": "apply", "restricted": "restricted"}
_LICENSE_URL = {
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "CC BY-NC 4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
}
_SPDX = {"CC BY 4.0": "CC-BY-4.0", "CC0 1.0": "CC0-1.0", "CC BY-NC 4.0": "CC-BY-NC-4.0"}
_FUNDER_ACRONYM = {
    "国家自然科学基金": "NSFC",
    "国家重点研发计划": "MOST",
    "中国科学院战略性先导科技专项": "CAS",
}


def _el(tag: str, text: str, **attrs: str) -> str:
    rendered = "".join(f" {k.replace('_', ':')}={quoteattr(v)}" for k, v in attrs.items())
    return f"<{tag}{rendered}>{escape(text)}</{tag}>"


def platform_subject(code: str, sep: str = " ") -> str:
    """``170 地球科学``: how the Chinese platforms write a GB/T 13745 discipline."""
    return f"{code}{sep}{SUBJECTS[code].zh}"


def labelled_lines(item: DemoItem, *, contact_name: bool = True) -> list[str]:
    """Physical details and the contact point as ShareNet's labelled lines.

    Neither oai_dc nor DataCite has elements for them (mappings/formats/labelled.py
    documents the convention the mappings read); the accession number travels
    as an identifier instead.
    """
    lines: list[str] = []
    if item.physical is not None:
        p = item.physical
        lines += [
            f"物种：{p.species}",
            f"保存方式：{p.preservation_zh}",
            f"获取方式：{p.obtain}",
            f"共享范围：{p.scope}",
            f"共享途径：{p.channel}",
        ]
    if item.contact is not None:
        c = item.contact
        lines += [f"服务机构：{c.org}"] if contact_name else []
        lines += [f"电子邮件：{c.email}", f"电话：{c.phone}", f"地址：{c.address}"]
    return lines


def oai_dc(item: DemoItem, publisher: str) -> str:
    """An ``oai_dc:dc`` element; languages on titles, descriptions and keywords."""
    out: list[str] = []
    if item.title_zh:
        out.append(_el("dc:title", item.title_zh, xml_lang="zh"))
    if item.title_en:
        out.append(_el("dc:title", item.title_en, xml_lang="en"))
    out += [_el("dc:creator", p.name_zh) for p in item.creators]
    out.append(_el("dc:subject", platform_subject(item.subject)))
    out += [_el("dc:subject", k, xml_lang="zh") for k in item.keywords_zh]
    out += [_el("dc:subject", k, xml_lang="en") for k in item.keywords_en]
    if item.desc_zh:
        out.append(_el("dc:description", item.desc_zh, xml_lang="zh"))
    if item.desc_en:
        out.append(_el("dc:description", item.desc_en, xml_lang="en"))
    out += [_el("dc:description", line) for line in labelled_lines(item)]
    out.append(_el("dc:publisher", publisher))
    out.append(_el("dc:date", item.issued.isoformat()))
    if item.modified.date() != item.issued:
        out.append(_el("dc:date", item.modified.date().isoformat()))
    if item.physical is not None:
        out.append(_el("dc:type", "种质资源 germplasm"))
        out.append(_el("dc:type", "PhysicalObject"))
    else:
        out.append(_el("dc:type", "Dataset"))
    out += [_el("dc:format", f.format) for f in item.files]
    if item.cstr:
        out.append(_el("dc:identifier", item.cstr))
    if item.doi:
        out.append(_el("dc:identifier", f"https://doi.org/{item.doi}"))
    if item.physical is not None:
        out.append(_el("dc:identifier", f"accession:{item.physical.accession}"))
    out.append(_el("dc:identifier", item.landing))
    out.append(_el("dc:language", "zh"))
    if item.spatial:
        out.append(_el("dc:coverage", item.spatial))
    out += [
        _el(
            "dc:relation",
            f"info:eu-repo/grantAgreement/{_FUNDER_ACRONYM[g.funder_zh]}/{g.funder_zh}/{g.number}",
        )
        for g in item.grants
    ]
    if item.license:
        text = _LICENSE_URL[item.license] if item.kind != "dataset" else item.license
        out.append(_el("dc:rights", text))
    if item.access:
        out.append(_el("dc:rights", _EU_REPO[item.access]))
    body = "\n  ".join(out)
    return (
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai_dc/ '
        f'http://www.openarchives.org/OAI/2.0/oai_dc.xsd">\n  {body}\n</oai_dc:dc>'
    )


def oai_datacite(item: DemoItem, publisher: str, centre: str) -> str:
    """A DataCite kernel-4 resource in the ``oai_datacite`` wrapper; CSTR as alternate id."""
    r: list[str] = []
    if item.doi:
        r.append(_el("identifier", item.doi, identifierType="DOI"))
    creators = "".join(
        "<creator>"
        + _el("creatorName", p.name_zh, nameType="Personal", xml_lang="zh")
        + _el("givenName", p.given_en)
        + _el("familyName", p.family_en)
        + _el("affiliation", p.org_en)
        + "</creator>"
        for p in item.creators
    )
    r.append(f"<creators>{creators}</creators>")
    if item.contact is not None:
        r.append(
            '<contributors><contributor contributorType="ContactPerson">'
            + _el("contributorName", item.contact.org, nameType="Organizational")
            + "</contributor></contributors>"
        )
    titles = ""
    if item.title_zh:
        titles += _el("title", item.title_zh, xml_lang="zh")
    if item.title_en:
        titles += _el("title", item.title_en, xml_lang="en")
    r.append(f"<titles>{titles}</titles>")
    r.append(_el("publisher", publisher, xml_lang="zh"))
    r.append(_el("publicationYear", str(item.issued.year)))
    r.append(_el("resourceType", "Dataset", resourceTypeGeneral="Dataset"))
    label = SUBJECTS[item.subject]
    subjects = _el(
        "subject",
        label.zh,
        subjectScheme="GB/T 13745-2009",
        classificationCode=item.subject,
        xml_lang="zh",
    )
    subjects += "".join(_el("subject", k, xml_lang="zh") for k in item.keywords_zh)
    subjects += "".join(_el("subject", k, xml_lang="en") for k in item.keywords_en)
    r.append(f"<subjects>{subjects}</subjects>")
    r.append(
        "<dates>"
        + _el("date", item.issued.isoformat(), dateType="Issued")
        + _el("date", item.modified.date().isoformat(), dateType="Updated")
        + "</dates>"
    )
    r.append(_el("language", "zh"))
    alternates = [(item.cstr, "CSTR")] if item.cstr else []
    if item.physical is not None:
        alternates.append((item.physical.accession, "accession number"))
    if alternates:
        alternates.append((item.landing, "URL"))
        r.append(
            "<alternateIdentifiers>"
            + "".join(
                _el("alternateIdentifier", v, alternateIdentifierType=t) for v, t in alternates
            )
            + "</alternateIdentifiers>"
        )
    if item.files:
        r.append("<sizes>" + "".join(_el("size", f"{f.size} B") for f in item.files) + "</sizes>")
        r.append("<formats>" + "".join(_el("format", f.format) for f in item.files) + "</formats>")
    rights = ""
    if item.license:
        rights += _el(
            "rights",
            item.license,
            rightsURI=_LICENSE_URL[item.license],
            rightsIdentifier=_SPDX[item.license],
            rightsIdentifierScheme="SPDX",
        )
    if item.access:
        rights += _el("rights", _ACCESS_TEXT[item.access], rightsURI=_EU_REPO[item.access])
    if rights:
        r.append(f"<rightsList>{rights}</rightsList>")
    descriptions = ""
    if item.desc_zh:
        descriptions += _el("description", item.desc_zh, descriptionType="Abstract", xml_lang="zh")
    if item.desc_en:
        descriptions += _el("description", item.desc_en, descriptionType="Abstract", xml_lang="en")
    details = labelled_lines(item, contact_name=False)  # the name is the ContactPerson
    if details:
        descriptions += _el("description", "\n".join(details), descriptionType="Other")
    if descriptions:
        r.append(f"<descriptions>{descriptions}</descriptions>")
    if item.grants:
        r.append(
            "<fundingReferences>"
            + "".join(
                "<fundingReference>"
                + _el("funderName", g.funder_zh)
                + _el("awardNumber", g.number)
                + "</fundingReference>"
                for g in item.grants
            )
            + "</fundingReferences>"
        )
    resource = "\n    ".join(r)
    return (
        '<oai_datacite xmlns="http://schema.datacite.org/oai/oai-1.1/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://schema.datacite.org/oai/oai-1.1/ '
        'http://schema.datacite.org/oai/oai-1.1/oai.xsd">'
        f"<schemaVersion>4.5</schemaVersion><datacentreSymbol>{escape(centre)}</datacentreSymbol>"
        '<payload><resource xmlns="http://datacite.org/schema/kernel-4" '
        'xsi:schemaLocation="http://datacite.org/schema/kernel-4 '
        'http://schema.datacite.org/meta/kernel-4.5/metadata.xsd">\n    '
        f"{resource}\n</resource></payload></oai_datacite>"
    )


def oai_item(item: DemoItem, metadata: dict[str, str]) -> dict[str, Any]:
    """One line of an OAI platform's file: the header fields and metadata by prefix."""
    return {
        "identifier": item.local_id,
        "datestamp": item.modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sets": [item.oai_set],
        "deleted": item.deleted,
        "metadata": {} if item.deleted else metadata,
    }


def _stamp(value: Any) -> str:
    return str(value.strftime("%Y-%m-%d %H:%M:%S"))


def sciencedb(item: DemoItem) -> dict[str, Any]:
    """A record of the ScienceDB-like ``/harvest`` list (DEMO_SHAPES)."""
    return {
        "dataSetId": item.local_id,
        "cstr": item.cstr,
        "doi": item.doi,
        "titleZh": item.title_zh,
        "titleEn": item.title_en,
        "introductionZh": item.desc_zh,
        "introductionEn": item.desc_en,
        "keywordZh": ";".join(item.keywords_zh) or None,
        "keywordEn": ";".join(item.keywords_en) or None,
        "taxonomy": [platform_subject(item.subject, "-")],
        "author": [
            {"nameZh": p.name_zh, "nameEn": p.name_en, "organizationZh": p.org_zh}
            for p in item.creators
        ],
        "publishDate": f"{item.issued.isoformat()} 10:00:00",
        "updateTime": _stamp(item.modified),
        "license": item.license,
        "accessMode": _SCIENCEDB_ACCESS[item.access] if item.access else None,
        "url": item.landing,
        "files": [{"name": f.name, "size": f.size, "format": f.format} for f in item.files],
        "fund": [{"name": g.funder_zh, "number": g.number} for g in item.grants],
    }


def nmdc(item: DemoItem) -> dict[str, Any]:
    """A record of the NMDC-like paged list (DEMO_SHAPES); absent values are absent keys."""
    out: dict[str, Any] = {"id": item.local_id}
    if item.cstr:
        out["cstr"] = item.cstr
    out["resourceType"] = "strain" if item.kind == "strain" else "dataset"
    if item.title_zh:
        out["name"] = item.title_zh
    if item.title_en:
        out["nameEn"] = item.title_en
    if item.desc_zh:
        out["description"] = item.desc_zh
    if item.desc_en:
        out["descriptionEn"] = item.desc_en
    if item.keywords_zh or item.keywords_en:
        out["keywords"] = ",".join(item.keywords_zh + item.keywords_en)
    out["subject"] = platform_subject(item.subject, "-")
    if item.physical is not None:
        out["species"] = item.physical.species
        out["strainNumber"] = item.physical.accession
        out["preservation"] = f"{item.physical.preservation_zh} / {item.physical.preservation_en}"
        out["obtainWay"] = item.physical.obtain
        out["shareScope"] = item.physical.scope
        out["shareChannel"] = item.physical.channel
    out["createTime"] = item.issued.isoformat()
    out["modifyTime"] = item.modified.date().isoformat()
    if item.access:
        out["accessLevel"] = _NMDC_ACCESS[item.access]
    out["license"] = item.license
    if item.contact is not None:
        c = item.contact
        out["contact"] = {"org": c.org, "email": c.email, "phone": c.phone, "address": c.address}
    out["url"] = item.landing
    return out
