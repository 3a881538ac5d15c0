<?xml version="1.0" encoding="UTF-8"?>
<!--
  The project's own small ISO Schematron → XSLT 3.0 translation (see src/node/einvoiceRules.ts,
  which runs it with xslt3 and caches the compiled result; used by the tests and `billing receive`).

  Input: an ISO Schematron schema with queryBinding xslt2/xslt3. Output: an XSLT 3.0 stylesheet that,
  applied to a document, serializes a JSON array of {id, flag, location, text}: every failed
  assert and every successful report.

  - include               → replaced by the included file's root element (recursively, href resolved
                            against the including file)
  - phase                 → param `phase` ('' = the schema's defaultPhase, else #ALL)
  - ns / namespaces        → namespace declarations on the generated stylesheet (sch:ns, plus the
                            prefixes declared on the schema element itself: some rule sets use such
                            a prefix, e.g. u: for their functions, without an sch:ns for it)
  - xsl:* at schema or pattern level (xsl:function, xsl:key …) → copied as is
  - let (schema, pattern)  → global xsl:variable (evaluated with the document node as context)
  - pattern                → its own mode; the document is walked once per active pattern
  - rule                   → template match=context in that mode, priority by document order so the
                            first matching rule of a pattern wins (a node fires at most one rule per
                            pattern); it then continues the walk with the node's attributes and children
  - let (rule)             → local xsl:variable, before the rule's asserts and reports
  - assert / report        → result element with id, flag (assert's, else rule's, else pattern's),
                            location (a path with the document's prefixes and positions) and the text
                            with name and value-of evaluated
  Abstract rules/patterns (extends, is-a) are not supported and stop the translation.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:axsl="urn:x-einvoice-tests:alias-of-xsl"
  xmlns:sch="http://purl.oclc.org/dsdl/schematron"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tr="urn:x-einvoice-tests:sch2xslt"
  xmlns:sch2x="urn:x-einvoice-tests:schematron-runner"
  exclude-result-prefixes="sch xs tr">

  <xsl:namespace-alias stylesheet-prefix="axsl" result-prefix="xsl"/>
  <xsl:output method="xml" indent="no" encoding="UTF-8"/>

  <!-- '' = the schema's defaultPhase if any, else #ALL (every pattern). -->
  <xsl:param name="phase" as="xs:string" select="''"/>

  <!-- Generated literal attributes are attribute value templates: keep braces literal. -->
  <xsl:function name="tr:avt" as="xs:string">
    <xsl:param name="s" as="xs:string?"/>
    <xsl:sequence select="replace(replace(string($s), '\{', '{{'), '\}', '}}')"/>
  </xsl:function>

  <xsl:template match="/">
    <xsl:if test="not(sch:schema)">
      <xsl:message terminate="yes">schematron-to-xslt: the root element is not an ISO Schematron schema</xsl:message>
    </xsl:if>
    <xsl:variable name="resolved" as="element(sch:schema)">
      <xsl:apply-templates select="sch:schema" mode="include"/>
    </xsl:variable>
    <xsl:apply-templates select="$resolved" mode="translate"/>
  </xsl:template>

  <!-- 1. include: the included file's root element in place of the include element. -->
  <xsl:mode name="include" on-no-match="shallow-copy"/>
  <xsl:template match="sch:include" mode="include">
    <xsl:apply-templates select="doc(resolve-uri(@href, base-uri(.)))/*" mode="include"/>
  </xsl:template>

  <!-- 2. translate -->
  <xsl:template match="sch:schema" mode="translate">
    <xsl:variable name="schema" select="."/>
    <xsl:if test=".//sch:rule[@abstract = 'true'] | .//sch:extends | .//sch:pattern[@abstract = 'true' or @is-a]">
      <xsl:message terminate="yes">schematron-to-xslt: abstract rules or patterns (extends, is-a) are not supported</xsl:message>
    </xsl:if>
    <xsl:if test="@queryBinding and not(lower-case(@queryBinding) = ('xslt2', 'xslt3'))">
      <xsl:message terminate="yes">schematron-to-xslt: queryBinding <xsl:value-of select="@queryBinding"/> is not supported</xsl:message>
    </xsl:if>
    <xsl:variable name="phaseId" as="xs:string"
      select="if ($phase != '') then $phase else if (@defaultPhase) then string(@defaultPhase) else '#ALL'"/>
    <xsl:if test="$phaseId != '#ALL' and not(sch:phase[@id = $phaseId])">
      <xsl:message terminate="yes">schematron-to-xslt: no phase <xsl:value-of select="$phaseId"/></xsl:message>
    </xsl:if>
    <xsl:variable name="patterns" as="element(sch:pattern)*"
      select="if ($phaseId = '#ALL') then sch:pattern
              else sch:pattern[@id = $schema/sch:phase[@id = $phaseId]/sch:active/@pattern]"/>

    <axsl:stylesheet version="3.0" exclude-result-prefixes="#all">
      <xsl:namespace name="xs" select="'http://www.w3.org/2001/XMLSchema'"/>
      <xsl:for-each select="in-scope-prefixes($schema)[not(. = ('', 'xml', 'xs', 'sch2x', 'xsl'))][not(. = $schema/sch:ns/@prefix)]">
        <xsl:namespace name="{.}" select="namespace-uri-for-prefix(., $schema)"/>
      </xsl:for-each>
      <xsl:for-each select="sch:ns[not(@prefix = ('xs', 'sch2x', 'xsl'))]">
        <xsl:namespace name="{@prefix}" select="string(@uri)"/>
      </xsl:for-each>

      <axsl:output method="json" indent="no"/>

      <!-- xsl:function and other XSLT declarations carried over -->
      <xsl:copy-of select="xsl:* | $patterns/xsl:*"/>

      <!-- schema- and pattern-level let: global variables -->
      <xsl:apply-templates select="sch:let | $patterns/sch:let" mode="let"/>

      <axsl:function name="sch2x:location" as="xs:string">
        <axsl:param name="n" as="node()"/>
        <axsl:variable name="steps" as="xs:string*" select="for $a in $n/ancestor-or-self::node()[not(self::document-node())] return
            if ($a instance of attribute()) then '@' || name($a)
            else if ($a instance of element()) then name($a) || '[' || (count($a/preceding-sibling::*[node-name() eq node-name($a)]) + 1) || ']'
            else if ($a instance of text()) then 'text()'
            else 'node()'"/>
        <axsl:sequence select="'/' || string-join($steps, '/')"/>
      </axsl:function>

      <axsl:template match="/">
        <axsl:variable name="sch2x:results" as="element()*">
          <xsl:for-each select="$patterns">
            <xsl:if test="sch:rule">
              <axsl:apply-templates select="." mode="sch2x:p{position()}"/>
            </xsl:if>
          </xsl:for-each>
        </axsl:variable>
        <axsl:sequence select="array {{ $sch2x:results ! map {{ 'id': string(@id), 'flag': string(@flag), 'location': string(@location), 'text': normalize-space(.) }} }}"/>
      </axsl:template>

      <xsl:for-each select="$patterns">
        <xsl:variable name="mode" select="'sch2x:p' || position()"/>
        <xsl:comment> pattern <xsl:value-of select="(@id, position())[1]"/> </xsl:comment>
        <!-- a pattern without rules (variables only) needs no walk -->
        <xsl:if test="sch:rule">
          <axsl:mode name="{$mode}" on-no-match="shallow-skip"/>
          <axsl:template match="document-node() | element()" mode="{$mode}" priority="-10">
            <axsl:apply-templates select="@* | *" mode="{$mode}"/>
          </axsl:template>
        </xsl:if>
        <xsl:for-each select="sch:rule">
          <axsl:template match="{@context}" mode="{$mode}" priority="{1000 + last() - position()}">
            <xsl:apply-templates select="sch:let" mode="let"/>
            <xsl:apply-templates select="sch:assert | sch:report" mode="check"/>
            <axsl:apply-templates select="@* | *" mode="{$mode}"/>
          </axsl:template>
        </xsl:for-each>
      </xsl:for-each>
    </axsl:stylesheet>
  </xsl:template>

  <xsl:template match="sch:let" mode="let">
    <xsl:choose>
      <xsl:when test="@value">
        <axsl:variable name="{@name}" select="{@value}"/>
      </xsl:when>
      <xsl:otherwise>
        <axsl:variable name="{@name}">
          <xsl:copy-of select="node()"/>
        </axsl:variable>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="sch:assert" mode="check">
    <axsl:if test="not({@test})">
      <xsl:call-template name="result"/>
    </axsl:if>
  </xsl:template>

  <xsl:template match="sch:report" mode="check">
    <axsl:if test="{@test}">
      <xsl:call-template name="result"/>
    </axsl:if>
  </xsl:template>

  <xsl:template name="result">
    <sch2x:r id="{tr:avt(@id)}" flag="{tr:avt((@flag, ../@flag, ../../@flag, '')[1])}">
      <axsl:attribute name="location" select="sch2x:location(.)"/>
      <xsl:apply-templates select="node()" mode="text"/>
    </sch2x:r>
  </xsl:template>

  <xsl:template match="text()" mode="text">
    <axsl:text><xsl:value-of select="."/></axsl:text>
  </xsl:template>
  <xsl:template match="sch:name" mode="text">
    <axsl:value-of select="name({(@path, '.')[1]})"/>
  </xsl:template>
  <xsl:template match="sch:value-of" mode="text">
    <axsl:value-of select="{@select}"/>
  </xsl:template>
  <!-- emph, dir, span …: their text -->
  <xsl:template match="*" mode="text">
    <xsl:apply-templates select="node()" mode="text"/>
  </xsl:template>
  <xsl:template match="comment() | processing-instruction()" mode="text"/>
</xsl:stylesheet>
